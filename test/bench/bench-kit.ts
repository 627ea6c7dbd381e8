/** What the load benches share: the --quick switch, a temporary directory per run, the machine, and table printing. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mosquittoPath } from '../helpers/mosquitto.ts';
import type { ServeProcess } from '../helpers/serve-process.ts';

export const quick = process.argv.includes('--quick');

export function scratchDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function machine(): string {
  // `mosquitto -h` prints its version and exits non-zero.
  const help = mosquittoPath ? spawnSync(mosquittoPath, ['-h'], { encoding: 'utf8' }).stdout : '';
  const broker = /mosquitto version (\S+)/.exec(help)?.[1] ?? 'unknown';
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GB RAM, Node ${process.version}, Mosquitto ${broker}; ${serveBuild()}`;
}

/** Which code `serve` runs: bin/ takes the compiled build when it is current, else the sources through tsx. */
function serveBuild(): string {
  const check = `import('./bin/build-state.js').then((b) => console.log(b.isFresh(b.CLI_BUNDLE, b.NODE_SOURCES)))`;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const fresh = spawnSync(process.execPath, ['--input-type=module', '-e', check], { cwd: root, encoding: 'utf8' });
  return fresh.stdout.trim() === 'true'
    ? 'serve runs the compiled build'
    : 'serve runs the sources through tsx (no current build: npm run build)';
}

/** Stops a bridge the way a service manager does: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopBridge(bridge: ServeProcess, graceMs = 10_000): Promise<string> {
  const outcome = await bridge.stop('SIGTERM', graceMs);
  if (outcome !== 'timeout') return `exit ${outcome}`;
  await bridge.stop('SIGKILL');
  return `still running ${graceMs / 1000} s after SIGTERM: killed`;
}

export const row = (cells: (string | number)[], widths: number[]): string =>
  cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join(' ');

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The bridge's warnings and errors, for a run that lost something: what it said about it, if anything. */
export function complaints(bridge: ServeProcess, max = 3): string {
  const lines = bridge
    .stderr()
    .split('\n')
    .filter((l) => / (WARN|ERROR) /.test(l));
  return lines.length === 0 ? 'the bridge logged no warning' : `bridge said: ${lines.slice(0, max).join(' | ')}`;
}
