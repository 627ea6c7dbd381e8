/**
 * `npm run bench`, history: a store seeded through its own API with a day of 1 s readings per series (power and an
 * energy counter of one meter), then the time of the queries the UI makes: each range as the chart asks for it
 * (about 1,000 buckets), and a day of every reading (CSV export). Target: under 50 ms for 24 h of 1 s data.
 */
import { join } from 'node:path';
import { HistoryStore } from '../../electron/core/history/history-store.ts';
import { machine, median, quick, scratchDir } from './bench-kit.ts';

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const RUNS = quick ? 5 : 21;

const dir = scratchDir('smb-bench-history-');
const store = new HistoryStore({
  file: join(dir.path, 'history.sqlite'),
  rawSeconds: 7 * DAY,
  minuteSeconds: 365 * DAY,
  hourSeconds: 3650 * DAY,
  maxBytes: 1 << 30,
  flushMs: 3_600_000,
  now: () => NOW,
});
try {
  const seeded = performance.now();
  // What the publish path pays: add() only buffers; the writes are the timer's.
  let adding = 0;
  for (let i = DAY; i > 0; i--) {
    const t = NOW - i;
    const before = performance.now();
    store.add('bench', t, [
      { quantity: 'power_in', topic: 'power/power_in', unit: 'W', value: 400 + 300 * Math.sin(t / 900) + (t % 7) },
      { quantity: 'energy_in', topic: 'energy/energy_in', unit: 'Wh', value: 5_000_000 + (DAY - i) * 0.1 },
    ]);
    adding += performance.now() - before;
    // The service writes once a second; the seed in batches of a minute, as fast as the disk takes it.
    if (i % 60 === 0) store.flush();
  }
  store.flush();
  const seedSeconds = (performance.now() - seeded) / 1000;

  const cases: [string, number, number | undefined][] = [
    ['5 min, every reading', 300, undefined],
    ['1 h in 1,000 buckets', 3600, 1000],
    ['24 h in 1,000 buckets', DAY, 1000],
    ['24 h, every reading (CSV)', DAY, undefined],
    ['7 d in 1,000 buckets', 7 * DAY, 1000],
    ['30 d in 1,000 buckets', 30 * DAY, 1000],
  ];
  console.log(`\nHistory: one meter, 2 series of 1 s readings over 24 h (${(2 * DAY).toLocaleString('en')} readings)`);
  console.log(`  ${machine()}`);
  console.log(
    `  written through the store's batches in ${seedSeconds.toFixed(1)} s ` +
      `(${Math.round((2 * DAY) / seedSeconds).toLocaleString('en')} readings/s); ${(store.usedBytes() / 2 ** 20).toFixed(1)} MB; ` +
      `add() on the publish path ${((adding * 1e6) / (2 * DAY)).toFixed(0)} ns per reading`,
  );
  console.log(`  query (both series, median of ${RUNS})      ms   resolution  buckets  of the 50 ms target`);
  for (const [name, span, points] of cases) {
    const times: number[] = [];
    let result = store.query({
      meterId: 'bench',
      quantities: ['power_in', 'energy_in'],
      from: NOW - span,
      to: NOW,
      points,
    });
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      result = store.query({
        meterId: 'bench',
        quantities: ['power_in', 'energy_in'],
        from: NOW - span,
        to: NOW,
        points,
      });
      times.push(performance.now() - start);
    }
    const ms = median(times);
    console.log(
      `  ${name.padEnd(36)} ${ms.toFixed(1).padStart(6)}   ${result[0]!.resolution.padEnd(10)} ${String(result[0]!.t.length).padStart(7)}  ${(ms / 50).toFixed(2).padStart(6)}`,
    );
  }
} finally {
  store.close();
  dir.remove();
}
