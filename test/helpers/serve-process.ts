/**
 * The real `smartmeter-bridge serve` process for load tests and benches: started from a config object (written as
 * YAML, as a user writes it) on a data dir that can be reused across restarts, with its resource use read from the
 * operating system (RSS, peak RSS, CPU seconds), never from inside the process being measured.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const BIN = fileURLToPath(new URL('../../bin/smartmeter-bridge.js', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  /** Everything it logged so far. */
  stderr(): string;
  /** Its exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Sends a signal and resolves with the exit code, or with 'timeout' if it is still running after `limitMs`. */
  stop(signal?: NodeJS.Signals, limitMs?: number): Promise<number | null | 'timeout'>;
}

/** Runs `serve` on `config` in `dir` (config file `bridge.yaml`, data dir `data/`). */
export function startServe(dir: string, config: Record<string, unknown>): ServeProcess {
  const configFile = join(dir, 'bridge.yaml');
  writeFileSync(configFile, stringify(config));
  const child = spawn(process.execPath, [BIN, 'serve', '--config', configFile, '--data-dir', join(dir, 'data')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    exited,
    async stop(signal = 'SIGTERM', limitMs = 60_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), limitMs)));
      const outcome = await Promise.race([exited, limit]);
      clearTimeout(timer);
      return outcome;
    },
  };
}

export interface ProcessUsage {
  /** Resident memory now and at its peak, MB. */
  rssMb: number;
  peakRssMb: number;
  /** User + system CPU seconds since it started. */
  cpuSeconds: number;
}

const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux architecture Node runs on

/** Reads a process's resource use from /proc on Linux and from `ps` elsewhere (peak: the current RSS there). */
export function processUsage(pid: number): ProcessUsage {
  if (process.platform === 'linux') {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      rssMb: kb('VmRSS') / 1024,
      peakRssMb: kb('VmHWM') / 1024,
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
    };
  }
  const [rss, time] = execFileSync('ps', ['-o', 'rss=', '-o', 'time=', '-p', String(pid)], { encoding: 'utf8' })
    .trim()
    .split(/\s+/);
  const cpuSeconds = time!
    .replace('-', ':')
    .split(':')
    .reduce((total, part, i, parts) => total + Number(part) * [86_400, 3_600, 60, 1].slice(-parts.length)[i]!, 0);
  return { rssMb: Number(rss) / 1024, peakRssMb: Number(rss) / 1024, cpuSeconds };
}
