/**
 * `npm run bench`, CLI start: how long `smartmeter-bridge decode` of one DSMR telegram takes until its first line of
 * output, from the compiled build and from the TypeScript sources (tsx, the only way before there was a build), each
 * also as a multiple of a bare `node` start measured in the same rounds (the machine's noise hits all three alike).
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Household, SIMULATED_METERS } from '../../shared/simulator/index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = process.argv.includes('--quick') ? 3 : 7;

/** Milliseconds from spawn to the first byte on standard output (or to the exit, for a command that prints nothing). */
function timeToFirstOutput(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let first: number | undefined;
    child.stdout.once('data', () => (first = elapsed()));
    child.stdout.resume();
    child.once('error', reject);
    child.once('exit', () => resolve(first ?? elapsed()));
  });
}

/**
 * What bin/smartmeter-bridge.js runs, without its check that the build is newer than the sources (a few ms), which
 * on a tree being edited would send the compiled case to the sources.
 */
const decode = (entry: string, frame: string) => `const cli = await import(${JSON.stringify(entry)});
process.exitCode = await cli.runCli(['decode', ${JSON.stringify(frame)}], cli.nodeIo());`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'smb-bench-cli-'));
try {
  const meter = SIMULATED_METERS.dsmr5!({});
  if (meter.kind !== 'wire') throw new Error('dsmr5 is a wire meter');
  const frame = join(dir, 'telegram.txt');
  writeFileSync(frame, meter.render(new Household(1_780_000_000, 3).at(1_780_000_000), 0));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'ignore' });

  const runs = {
    'node (nothing)': ['-e', '0'],
    'decode, compiled build': ['--input-type=module', '-e', decode('./dist/cli/main.js', frame)],
    'decode, sources via tsx': [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      decode('./electron/cli/main.ts', frame),
    ],
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, args] of Object.entries(runs)) times[name]!.push(await timeToFirstOutput(args));
  }
  const bare = median(times['node (nothing)']!);
  console.log(`CLI start: time to first output, median of ${ROUNDS} alternating rounds`);
  for (const [name, samples] of Object.entries(times)) {
    const ms = median(samples);
    console.log(`  ${name.padEnd(26)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / bare).toFixed(1).padStart(5)}x node`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
