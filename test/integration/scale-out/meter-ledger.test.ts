/** The per-meter knowledge translate instances share through retained topics (a unit test kept beside its users). */
import { describe, expect, it } from 'vitest';
import { MeterLedger } from '../../../electron/core/translate/meter-ledger.ts';

const state = (timestamp: number, keys: string[]) =>
  Buffer.from(JSON.stringify({ profile: '1.0', timestamp, readings: Object.fromEntries(keys.map((k) => [k, {}])) }));

describe('MeterLedger', () => {
  it('learns the newest timestamp and the tariffs from state bundles, and refuses older readings only', () => {
    const ledger = new MeterLedger('smartmeter');
    expect(ledger.learn('smartmeter/m1/state', state(100, ['energy_in', 'energy_in_t1', 'energy_in_t2']), 0)).toBe(
      true,
    );
    expect(ledger.learn('smartmeter/m1/state', state(90, ['power_in']), 0)).toBe(true);
    expect(ledger.get('m1')!.timestamp).toBe(100);
    expect([...ledger.get('m1')!.tariffs]).toEqual(['energy_in_t1', 'energy_in_t2']);
    expect(ledger.accepts('m1', 99)).toBe(false);
    // The same reading again (a redelivery) is accepted: at most twice, never lost.
    expect(ledger.accepts('m1', 100)).toBe(true);
    expect(ledger.accepts('unknown', 0)).toBe(true);
  });

  it('takes status changes, and ignores what is not its topic or not a state bundle', () => {
    const ledger = new MeterLedger('smartmeter');
    ledger.learn('smartmeter/m1/status', Buffer.from('online'), 0);
    expect(ledger.get('m1')!.online).toBe(true);
    expect(ledger.learn('tele/x/SENSOR', Buffer.from('{}'), 0)).toBe(false);
    expect(ledger.learn('smartmeter/m1/power/power_in', Buffer.from('{}'), 0)).toBe(false);
    for (const bad of ['not json', '{"timestamp":"x","readings":{}}', '[]', ''])
      expect(ledger.learn('smartmeter/m2/state', Buffer.from(bad), 0)).toBe(true);
    expect(ledger.learn('smartmeter/bridge/status', Buffer.from('online'), 0)).toBe(true);
    expect(ledger.get('m2')).toBeUndefined();
    expect(ledger.get('bridge')).toBeUndefined();
  });

  it('reports a meter silent once, and forgets the longest silent beyond its bound', () => {
    const ledger = new MeterLedger('smartmeter', 2);
    ledger.published('a', 1, [], 0).online = true;
    ledger.published('b', 1, [], 500).online = true;
    expect(ledger.silentSince(1000, 1000)).toEqual(['a']);
    expect(ledger.silentSince(1000, 1000)).toEqual([]);
    ledger.published('c', 1, [], 1000);
    expect(ledger.size).toBe(2);
    expect(ledger.get('a')).toBeUndefined();
  });
});
