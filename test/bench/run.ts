/**
 * `npm run bench [-- --quick]`: the decoders, the CLI's start, the translator, the service, the UI's live view, the
 * history's queries and its 24 h chart in Chromium, one after the other in one run, each in a process of its own so
 * that one's garbage and timers never weigh on the next. `--quick` shortens every part.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const BENCHES = [
  'decode.bench.ts',
  'cli-start.bench.ts',
  'translator.bench.ts',
  'service.bench.ts',
  'scale-out.bench.ts',
  'ui-live.bench.ts',
  'history.bench.ts',
  'history-write.bench.ts',
  'history-chart.bench.ts',
];
const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/cli.mjs', import.meta.url));

let failed = 0;
for (const bench of BENCHES) {
  const start = performance.now();
  const { status } = spawnSync(
    process.execPath,
    [tsx, fileURLToPath(new URL(bench, import.meta.url)), ...(quick ? ['--quick'] : [])],
    // The decode bench's time per measurement: 200 ms by default, 40 ms in a quick run.
    { stdio: 'inherit', env: { ...process.env, ...(quick && !process.env.BENCH_MS ? { BENCH_MS: '40' } : {}) } },
  );
  if (status !== 0) failed++;
  // Where the time goes: --quick as a whole has to stay under 45 s on a loaded 2-core machine.
  console.log(`(${bench}: ${((performance.now() - start) / 1000).toFixed(1)} s)`);
}
process.exitCode = failed ? 1 : 0;
