import { describe, expect, it } from 'vitest';
import { harmonize } from '../../../shared/profile/harmonize.ts';
import { rlDspMessage } from '../../../shared/profile/rl-dsp.ts';
import { telegram } from './messages.ts';

const readings = harmonize(
  telegram([
    ['1-0:1.8.1', 1234.567, 'kWh'],
    ['1-0:1.8.2', 100, 'kWh'],
    ['1-0:1.7.0', 0.338, 'kW'],
    ['1-0:2.7.0', 0, 'kW'],
    ['1-0:32.7.0', 230.1, 'V'],
    ['1-0:31.7.0', 1.5, 'A'],
    ['0-1:24.1.0', 3, null],
    ['0-1:24.2.1', 5, 'm3'],
  ]),
);

describe('RL-DSP bundle', () => {
  it('is one object per message on dt/<group>/<meterId>/ds, in register units as smartmeter-datacollector sends it', () => {
    const { topic, payload } = rlDspMessage('E0012345', readings, 1_714_564_805.9, 0, { group: 'home' });
    expect(topic).toBe('dt/home/E0012345/ds');
    expect(payload).toEqual({
      meter: {
        ts: '2024-05-01T12:00:05+00:00',
        '1.7.0': 338,
        '2.7.0': 0,
        '1.8.0': 1334567,
        '1.8.1': 1234567,
        '1.8.2': 100000,
        '32.7.0': 230.1,
        '31.7.0': 1.5,
      },
    });
  });

  it('publishes kW and kWh with scale `kilo`, and never sub-meter values', () => {
    const { payload } = rlDspMessage('E0012345', readings, 0, 5, { group: 'home', scale: 'kilo' });
    expect(payload.meter['1.7.0']).toBe(0.338);
    expect(payload.meter['1.8.0']).toBe(1334.567);
    expect(payload.meter['32.7.0']).toBe(230.1);
    expect(payload.meter.ts).toBe('1970-01-01T00:00:00+00:00');
    expect(Object.keys(payload.meter).some((k) => k.startsWith('24.'))).toBe(false);
  });

  it('falls back to the receive time when the meter clock is missing or impossible', () => {
    for (const clock of [undefined, NaN, 1e300]) {
      expect(rlDspMessage('E0012345', readings, clock, 1_714_564_805, { group: 'home' }).payload.meter.ts).toBe(
        '2024-05-01T12:00:05+00:00',
      );
    }
  });

  it('sanitises the group and meter levels', () => {
    expect(rlDspMessage('a/b', readings, 0, 0, { group: '+' }).topic).toMatch(
      /^dt\/_-[0-9a-f]{8}\/a_b-[0-9a-f]{8}\/ds$/,
    );
  });
});
