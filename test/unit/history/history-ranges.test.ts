import { describe, expect, it } from 'vitest';
import { historyPoints, withLive } from '../../../renderer/src/chart/history-ranges.ts';
import type { HistorySeries } from '../../../shared/history.ts';

const series = (counter: boolean): HistorySeries => ({
  quantity: counter ? 'energy_in' : 'power_out',
  unit: counter ? 'Wh' : 'W',
  counter,
  resolution: '1m',
  bucketSeconds: 60,
  t: [0, 60],
  value: [50, 10],
  min: [0, 10],
  max: [3000, 10],
});

describe('history chart points', () => {
  it('keeps a spike of a power series at its height (min and max per bucket), not averaged away', () => {
    expect(historyPoints(series(false))).toEqual([
      { t: 15_000, v: 0 },
      { t: 45_000, v: 3000 },
      { t: 90_000, v: 10 },
    ]);
  });

  it('draws a counter by its last value in each bucket', () => {
    expect(historyPoints(series(true)).map((p) => p.v)).toEqual([50, 10]);
  });

  it('appends only the live samples newer than the history, inside the window', () => {
    const history = [
      { t: 1000, v: 1 },
      { t: 2000, v: 2 },
    ];
    const live = [
      { t: 1500, v: 9 },
      { t: 2500, v: 3 },
    ];
    expect(withLive(history, live, 1500)).toEqual([
      { t: 2000, v: 2 },
      { t: 2500, v: 3 },
    ]);
  });
});
