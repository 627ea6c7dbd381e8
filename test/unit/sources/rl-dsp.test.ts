import { describe, expect, it } from 'vitest';
import type { ObisMessage } from '../../../shared/protocols/types.ts';
import { convertRlDsp, rlDspFilters, RL_DSP_REGISTERS, type RlDspReadOptions } from '../../../shared/sources/rl-dsp.ts';
import { bytes, RL_DSP_BUNDLE } from './payloads.ts';

const TOPIC = 'dt/home/E0012345/ds';

function read(payload: string, options: RlDspReadOptions = {}, topic = TOPIC): ObisMessage {
  const result = convertRlDsp(topic, bytes(payload), options);
  if (result === null || 'error' in result) throw new Error(`expected a message, got ${JSON.stringify(result)}`);
  return result;
}

function errorOf(payload: string): string {
  const result = convertRlDsp(TOPIC, bytes(payload));
  if (result === null || !('error' in result)) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  expect(result).toMatchObject({ meterId: 'E0012345', error: { kind: 'syntax' } });
  return result.error.message;
}

describe('RL-DSP converter', () => {
  it('reads the bundle: keys are OBIS C.D.E in base units (as smartmeter-datacollector sends), ts is UTC, the topic names the meter', () => {
    expect(read(RL_DSP_BUNDLE)).toEqual({
      protocol: 'mqtt',
      meterId: 'E0012345',
      timestamp: Date.UTC(2024, 4, 1, 10, 0, 5) / 1000,
      values: [
        { obis: '1-0:1.7.0', value: 412, unit: 'W' },
        { obis: '1-0:2.7.0', value: 0, unit: 'W' },
        { obis: '1-0:1.8.0', value: 12345678, unit: 'Wh' },
        { obis: '1-0:2.8.0', value: 321250, unit: 'Wh' },
        { obis: '1-0:32.7.0', value: 231.2, unit: 'V' },
        { obis: '1-0:31.7.0', value: 0.52, unit: 'A' },
      ],
      info: { transport: 'rl-dsp' },
    });
  });

  it('reads kilo units when the sender uses them (scale: kilo)', () => {
    const message = read('{"meter":{"1.7.0":0.412,"5.8.0":0.1,"9.7.0":0.5,"13.7.0":0.98}}', { scale: 'kilo' });
    expect(message.values).toEqual([
      { obis: '1-0:1.7.0', value: 0.412, unit: 'kW' },
      { obis: '1-0:5.8.0', value: 0.1, unit: 'kvarh' },
      { obis: '1-0:9.7.0', value: 0.5, unit: 'kVA' },
      { obis: '1-0:13.7.0', value: 0.98, unit: null },
    ]);
    expect(message.timestamp).toBeUndefined();
  });

  it('passes on registers outside the table without a unit, and skips members that are no OBIS key', () => {
    expect(read('{"meter":{"ts":"2024-05-01T10:00:05Z","16.7.0":-0.2,"note":"x","id":7}}').values).toEqual([
      { obis: '1-0:16.7.0', value: -0.2, unit: null },
    ]);
  });

  it('reads only dt/<group>/<id>/ds, of the configured groups', () => {
    expect(convertRlDsp('dt/home/E1/other', bytes(RL_DSP_BUNDLE))).toBeNull();
    expect(convertRlDsp('dt/home/ds', bytes(RL_DSP_BUNDLE))).toBeNull();
    expect(convertRlDsp('xx/home/E1/ds', bytes(RL_DSP_BUNDLE))).toBeNull();
    expect(convertRlDsp('dt/away/E1/ds', bytes(RL_DSP_BUNDLE), { groups: ['home'] })).toBeNull();
    expect(read(RL_DSP_BUNDLE, { groups: ['home'] }).meterId).toBe('E0012345');
    expect(rlDspFilters()).toEqual(['dt/+/+/ds']);
    expect(rlDspFilters({ groups: ['home'] })).toEqual(['dt/home/+/ds']);
  });

  it('turns bad payloads into syntax errors that say what is wrong', () => {
    expect(errorOf('{"1.7.0":0.4}')).toBe('"meter" is missing, expected an object');
    expect(errorOf('{"meter":[1]}')).toBe('"meter" is an array, expected an object');
    expect(errorOf('{"meter":{"1.7.0":"0.4"}}')).toBe('"meter.1.7.0" is a string, expected a number');
    expect(errorOf('{"meter":{"ts":"12:00","1.7.0":0.4}}')).toMatch(/"meter.ts" is not an ISO 8601 date-time/);
    expect(errorOf('{"meter":{"ts":1714557605}}')).toMatch(/"meter.ts"/);
    expect(errorOf('"meter"')).toMatch(/a string, expected/);
    expect(errorOf('{"meter":')).toMatch(/not JSON/);
  });

  it('has one row per key', () => {
    const keys = RL_DSP_REGISTERS.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
