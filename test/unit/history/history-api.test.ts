import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../electron/core/history/history-store.ts';
import { answerApiRequest } from '../../../electron/server/api-answer.ts';
import { historyHandlers } from '../../../electron/server/history-methods.ts';

/** 2026-11-26 00:00 UTC: the minute before it is on the 25th. */
const NOW = 1_795_651_200;
const dirs: string[] = [];
const stores: HistoryStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function storeWithAMinute(): HistoryStore {
  const dir = mkdtempSync(join(tmpdir(), 'history-api-'));
  dirs.push(dir);
  const store = new HistoryStore({
    file: join(dir, 'history.sqlite'),
    rawSeconds: 86_400,
    minuteSeconds: 86_400,
    hourSeconds: 86_400,
    maxBytes: 1 << 30,
    flushMs: 60_000,
    now: () => NOW,
  });
  stores.push(store);
  for (let i = 0; i < 60; i++) {
    store.add('meter,1', NOW - 60 + i, [{ quantity: 'power_in', topic: 'power/power_in', value: 100 + i, unit: 'W' }]);
  }
  return store;
}

const request = (method: string, params: unknown) => ({ id: 1, method, params });
const range = { meterId: 'meter,1', quantities: ['power_in'], from: NOW - 60, to: NOW };

describe('history api', () => {
  it('answers getHistory with buckets and refuses params outside the contract', async () => {
    const store = storeWithAMinute();
    const backend = { getBridge: () => undefined, handlers: historyHandlers(() => store) };
    const answer = await answerApiRequest(backend, request('getHistory', { ...range, points: 6 }));
    expect(answer).toMatchObject({
      ok: true,
      result: [{ quantity: 'power_in', unit: 'W', t: [0, 10, 20, 30, 40, 50].map((s) => NOW - 60 + s) }],
    });
    const refused = await answerApiRequest(backend, request('getHistory', { ...range, quantities: ['../x'] }));
    expect(refused).toMatchObject({ ok: false });
  });

  it('exports a range as CSV with units, one row per reading, the meter ID quoted', async () => {
    const store = storeWithAMinute();
    const answer = await answerApiRequest(
      { getBridge: () => undefined, handlers: historyHandlers(() => store) },
      request('exportHistoryCsv', range),
    );
    if (!answer.ok) throw new Error(answer.error.message);
    const { filename, csv } = answer.result as { filename: string; csv: string };
    expect(filename).toBe('meter_1-2026-11-25.csv');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('time,meter,quantity,unit,value,min,max,resolution');
    expect(lines[1]).toBe('2026-11-25T23:59:00.000Z,"meter,1",power_in,W,100,100,100,raw');
    expect(lines).toHaveLength(61);
  });

  it('exports wider buckets rather than more rows than its bound', async () => {
    const store = storeWithAMinute();
    const answer = await answerApiRequest(
      { getBridge: () => undefined, handlers: historyHandlers(() => store, 20) },
      request('exportHistoryCsv', range),
    );
    if (!answer.ok) throw new Error(answer.error.message);
    const lines = (answer.result as { csv: string }).csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + 20);
    expect(lines[1]).toBe('2026-11-25T23:59:00.000Z,"meter,1",power_in,W,101,100,102,raw');
  });

  it('says why when the bridge runs without history', async () => {
    const answer = await answerApiRequest(
      { getBridge: () => undefined, handlers: historyHandlers(() => undefined) },
      request('getHistory', range),
    );
    expect(answer).toMatchObject({ ok: false, error: { message: expect.stringMatching(/history is off/) } });
  });
});
