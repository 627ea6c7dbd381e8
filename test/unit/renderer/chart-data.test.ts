/** The live chart's data: power samples per meter message, thinned to the chart's width without losing peaks. */
import { describe, expect, it } from 'vitest';
import type { MeterView } from '../../../shared/api.ts';
import { minMaxBuckets, type Point } from '../../../renderer/src/chart/downsample.ts';
import { MAX_SAMPLES, PowerHistory } from '../../../renderer/src/store/power-history.ts';

/** Only what the history reads; the view has more fields. */
function meter(lastSeen: number, powerIn: number, powerOut = 0): MeterView {
  return {
    meterId: 'M1',
    topicId: 'M1',
    online: true,
    lastSeen,
    interval: 1,
    info: { protocol: 'dsmr' },
    readings: [
      { quantity: 'power_in', topic: 'power/power_in', value: powerIn, unit: 'W' },
      { quantity: 'power_out', topic: 'power/power_out', value: powerOut, unit: 'W' },
    ],
  } as MeterView;
}

describe('minMaxBuckets', () => {
  it('thins a day of 1 s data to two points per bucket, keeping the one-second peak and dip in time order', () => {
    const day: Point[] = Array.from({ length: 86_400 }, (_, i) => ({ t: i * 1000, v: 500 }));
    day[40_000] = { t: 40_000_000, v: 9000 };
    day[40_001] = { t: 40_001_000, v: -3000 };
    const thin = minMaxBuckets(day, 400);
    expect(thin.length).toBeLessThanOrEqual(800);
    expect(thin.map((p) => p.v)).toContain(9000);
    expect(thin.map((p) => p.v)).toContain(-3000);
    expect(thin.every((p, i) => i === 0 || p.t > thin[i - 1]!.t)).toBe(true);
  });

  it('leaves a short series as it is', () => {
    const few = [
      { t: 1, v: 1 },
      { t: 2, v: 2 },
    ];
    expect(minMaxBuckets(few, 400)).toEqual(few);
  });
});

describe('PowerHistory', () => {
  it('takes one sample per meter message, not one per pushed view', () => {
    const history = new PowerHistory();
    expect(history.add([meter(100, 1000)])).toBe(true);
    expect(history.add([meter(100, 1000)])).toBe(false);
    expect(history.add([meter(101, 1200, 50)])).toBe(true);
    expect(history.of('M1')).toEqual({
      import: [
        { t: 100_000, v: 1000 },
        { t: 101_000, v: 1200 },
      ],
      export: [
        { t: 100_000, v: 0 },
        { t: 101_000, v: 50 },
      ],
    });
  });

  it('spans from the first to the last sample of either line', () => {
    const history = new PowerHistory();
    expect(history.span('M1')).toBeUndefined();
    history.add([meter(100, 1000)]);
    history.add([meter(160, 1000)]);
    expect(history.span('M1')).toEqual({ fromMs: 100_000, toMs: 160_000 });
  });

  it('keeps at most a day of 1 s samples per meter however long the page stays open', () => {
    const history = new PowerHistory();
    for (let s = 0; s < MAX_SAMPLES * 1.5; s++) history.add([meter(s, s)]);
    const kept = history.of('M1')!.import;
    expect(kept.length).toBeLessThanOrEqual(MAX_SAMPLES * 1.1);
    expect(kept.at(-1)).toEqual({ t: (MAX_SAMPLES * 1.5 - 1) * 1000, v: MAX_SAMPLES * 1.5 - 1 });
  });
});
