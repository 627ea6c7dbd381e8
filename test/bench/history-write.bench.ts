/**
 * `npm run bench`, the history's write path alone (issue 6): what the service pays to keep 100 meters' readings at
 * 1 Hz, about 20 quantities each. Simulated seconds of readings are added and written as the service's timer does
 * (one flush per 5 s); the CPU time of add() and flush() over the wall time they stand for is the share of one
 * core the history takes. Two minutes of readings, so that the rollups' once-a-minute writes are in it.
 */
import { join } from 'node:path';
import { HistoryStore } from '../../electron/core/history/history-store.ts';
import type { Reading } from '../../shared/profile/harmonize.ts';
import { machine, quick, scratchDir } from './bench-kit.ts';

const METERS = 100;
const QUANTITIES = 20;
const SECONDS = quick ? 30 : 180;
/** As open-history.ts has the service's timer write. */
const FLUSH_SECONDS = 5;
const START = Math.floor(Date.now() / 1000) - SECONDS;

const dir = scratchDir('smb-bench-history-write-');
const store = new HistoryStore({
  file: join(dir.path, 'history.sqlite'),
  rawSeconds: 7 * 86_400,
  minuteSeconds: 365 * 86_400,
  hourSeconds: 3650 * 86_400,
  maxBytes: 1 << 30,
  flushMs: 3_600_000,
  now: () => START + SECONDS,
});
const meters = Array.from({ length: METERS }, (_, m) => `meter${m}`);
// One telegram's readings per meter, their values changed in place each second as a decoder's would be new.
const telegrams: Reading[][] = meters.map(() =>
  Array.from({ length: QUANTITIES }, (_, q) => ({ quantity: `q${q}`, topic: `power/q${q}`, unit: 'W', value: 0 })),
);
try {
  const cpuBefore = process.cpuUsage();
  for (let s = 0; s < SECONDS; s++) {
    for (let m = 0; m < METERS; m++) {
      const readings = telegrams[m]!;
      for (let q = 0; q < QUANTITIES; q++) readings[q]!.value = 100 * m + q + (s % 7);
      store.add(meters[m]!, START + s + m / METERS, readings);
    }
    if ((s + 1) % FLUSH_SECONDS === 0) store.flush();
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const readings = SECONDS * METERS * QUANTITIES;
  console.log(`\nHistory write path: ${METERS} meters × ${QUANTITIES} quantities at 1 Hz, ${SECONDS} s of readings`);
  console.log(`  ${machine()}`);
  console.log(
    `  ${((cpuSeconds / SECONDS) * 100).toFixed(2)} % of one core ` +
      `(CPU ${cpuSeconds.toFixed(2)} s for ${SECONDS} s of readings; ` +
      `${Math.round(readings / cpuSeconds).toLocaleString('en')} readings per CPU second); ` +
      `${store.stats.written.toLocaleString('en')} written, ${store.stats.dropped} dropped`,
  );
} finally {
  store.close();
  dir.remove();
}
