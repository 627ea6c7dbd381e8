import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore, type HistoryStoreOptions } from '../../../electron/core/history/history-store.ts';
import type { Reading } from '../../../shared/profile/harmonize.ts';

const DAY = 86_400;
/** A Monday at midnight UTC: whole minutes and hours line up with the readings. */
const START = 1_795_651_200;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(now: () => number, options: Partial<HistoryStoreOptions> = {}): HistoryStore {
  return new HistoryStore({
    file: join(dir, 'history.sqlite'),
    rawSeconds: 7 * DAY,
    minuteSeconds: 365 * DAY,
    hourSeconds: 3650 * DAY,
    maxBytes: 1 << 30,
    flushMs: 60_000,
    now,
    ...options,
  });
}

const power = (value: number): Reading => ({ quantity: 'power_in', topic: 'power/power_in', value, unit: 'W' });
const energy = (value: number): Reading => ({ quantity: 'energy_in', topic: 'energy/energy_in', value, unit: 'Wh' });

/** One reading per second from START for `seconds`: power alternating 100/300 W, energy rising 1 Wh per second. */
function feed(store: HistoryStore, seconds: number): void {
  for (let i = 0; i < seconds; i++) store.add('m1', START + i, [power(i % 2 ? 300 : 100), energy(1000 + i)]);
}

describe('history store', () => {
  it('keeps every reading across a close and a reopen', () => {
    const now = START + 600;
    const first = open(() => now);
    feed(first, 600);
    first.close();
    const again = open(() => now);
    const [series] = again.query({ meterId: 'm1', quantities: ['power_in'], from: START, to: START + 600 });
    expect(series).toMatchObject({ quantity: 'power_in', unit: 'W', counter: false, resolution: 'raw' });
    expect(series!.t).toHaveLength(600);
    expect(series!.value.slice(0, 2)).toEqual([100, 300]);
    again.close();
  });

  it('answers a day from minute aggregates: mean, min and max of power, the last reading of a counter', () => {
    const store = open(() => START + DAY);
    feed(store, 2 * 3600);
    const [p, e] = store.query({
      meterId: 'm1',
      quantities: ['power_in', 'energy_in'],
      from: START,
      to: START + DAY,
      points: 1440,
    });
    expect(p).toMatchObject({ resolution: '1m', bucketSeconds: 60 });
    expect(p!.t).toHaveLength(120);
    expect(p!.t[1]).toBe(START + 60);
    expect(p!.value[0]).toBe(200);
    expect([p!.min[0], p!.max[0]]).toEqual([100, 300]);
    expect(e).toMatchObject({ counter: true, unit: 'Wh' });
    expect(e!.value[0]).toBe(1059);
    expect(e!.value.at(-1)).toBe(1000 + 2 * 3600 - 1);
    store.close();
  });

  it('goes to hour aggregates for a month and to minutes once raw data is gone', () => {
    let now = START + 2 * 3600;
    const store = open(() => now, { rawSeconds: 2 * 3600 });
    feed(store, 2 * 3600);
    const month = store.query({ meterId: 'm1', quantities: ['power_in'], from: now - 30 * DAY, to: now, points: 720 });
    expect(month[0]).toMatchObject({ resolution: '1h', value: [200, 200] });
    now += 2 * 3600;
    store.flush();
    const early = store.query({ meterId: 'm1', quantities: ['power_in'], from: START, to: START + 300, points: 300 });
    expect(early[0]).toMatchObject({ resolution: '1m' });
    expect(early[0]!.value).toEqual([200, 200, 200, 200, 200]);
    store.close();
  });

  it('downsamples raw readings to about the points asked for', () => {
    const store = open(() => START + 3600);
    feed(store, 3600);
    const [p] = store.query({ meterId: 'm1', quantities: ['power_in'], from: START, to: START + 3600, points: 400 });
    expect(p!.resolution).toBe('raw');
    expect(p!.t).toHaveLength(400);
    expect(Math.min(...p!.min)).toBe(100);
    expect(Math.max(...p!.max)).toBe(300);
    store.close();
  });

  it('drops readings older than the raw retention, counted, and names no unknown series', () => {
    const store = open(() => START + 10 * DAY);
    store.add('m1', START, [power(5)]);
    expect(store.stats.dropped).toBe(1);
    expect(store.query({ meterId: 'm1', quantities: ['power_in'], from: START, to: START + 10 * DAY })).toEqual([]);
    store.close();
  });

  it('stays within its size bound by removing the oldest raw readings first', () => {
    const warnings: string[] = [];
    const store = open(() => START + DAY, { maxBytes: 256 * 1024, warn: (m) => warnings.push(m) });
    feed(store, DAY);
    store.flush();
    expect(store.usedBytes()).toBeLessThanOrEqual(256 * 1024);
    expect(warnings.join('\n')).toMatch(/size limit.*raw/);
    // The day is still there as minute aggregates.
    const [p] = store.query({ meterId: 'm1', quantities: ['power_in'], from: START, to: START + DAY, points: 1440 });
    expect(p!.t.length).toBeGreaterThan(1000);
    store.close();
  });
});

describe('history store writes', () => {
  it('writes readings only in its batches, never when they are added', async () => {
    const store = open(() => START + 60);
    const { default: Sqlite } = await import('better-sqlite3');
    const reader = new Sqlite(join(dir, 'history.sqlite'), { readonly: true });
    const rows = () => (reader.prepare('SELECT count(*) AS n FROM raw').get() as { n: number }).n;
    feed(store, 60);
    expect(rows()).toBe(0);
    store.flush();
    expect(rows()).toBe(120);
    reader.close();
    store.close();
  });

  it('removes what is past each retention, and keeps the rollups of removed raw readings', async () => {
    let now = START + 3600;
    const store = open(() => now, { rawSeconds: 3600, minuteSeconds: 2 * 3600 });
    feed(store, 3600);
    store.flush();
    now += 2 * 3600 + 120;
    store.flush();
    const day = { meterId: 'm1', quantities: ['power_in'], from: START, to: now };
    expect(store.query({ ...day, points: 24 })[0]).toMatchObject({ resolution: '1h', value: [200] });
    store.close();
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(join(dir, 'history.sqlite'), { readonly: true });
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect([count('raw'), count('minute'), count('hour')]).toEqual([0, 0, 2]);
    db.close();
  });

  it('keeps minute and hour rollups exact when a minute is written in parts (a query meanwhile, a restart)', () => {
    const now = START + 3600;
    const first = open(() => now);
    feed(first, 90);
    const oneMinute = { meterId: 'm1', quantities: ['power_in'], from: START, to: START + 120, points: 2 };
    expect(first.query({ ...oneMinute, from: START + 60 })[0]!.value).toEqual([200]);
    for (let i = 90; i < 110; i++) first.add('m1', START + i, [power(1000)]);
    first.close();
    const again = open(() => now);
    for (let i = 110; i < 120; i++) again.add('m1', START + i, [power(1000)]);
    const [m] = again.query({ ...oneMinute, from: START, to: START + DAY, points: 1440 });
    expect(m).toMatchObject({ resolution: '1m', t: [START, START + 60] });
    // Second minute: 30 readings of 100/300 and 30 of 1000.
    expect([m!.value[1], m!.min[1], m!.max[1]]).toEqual([600, 100, 1000]);
    const [h] = again.query({ ...oneMinute, from: START, to: START + 30 * DAY, points: 720 });
    expect(h).toMatchObject({ resolution: '1h', value: [(60 * 200 + 30 * 200 + 30 * 1000) / 120] });
    again.close();
  });
});
