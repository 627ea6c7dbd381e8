/** The chart's time axis: round local times, about one tick per 100 px, whatever the zone (run under UTC and Zurich). */
import { describe, expect, it } from 'vitest';
import { timeTicks } from '../../../renderer/src/chart/time-ticks.ts';
import { redrawKey } from '../../../renderer/src/chart/history-ranges.ts';

const local = (iso: string) => new Date(iso).getTime(); // no offset in the string: the machine's zone
const HOUR = 3_600_000;

describe('timeTicks', () => {
  it('puts a day on whole local hours a few hours apart, at most one per 100 px', () => {
    const to = local('2026-11-29T22:33:38');
    const { ticks, stepMs } = timeTicks(to - 24 * HOUR, to, 1000);
    expect(stepMs).toBe(3 * HOUR);
    expect(ticks.length).toBeLessThanOrEqual(10);
    expect(ticks.length).toBeGreaterThanOrEqual(7);
    for (const t of ticks) {
      const d = new Date(t);
      expect([d.getMinutes(), d.getSeconds(), d.getHours() % 3]).toEqual([0, 0, 0]);
    }
  });

  it('puts five minutes on whole half minutes and a week on local midnights', () => {
    const to = local('2026-11-29T22:33:38');
    const minutes = timeTicks(to - 300_000, to, 1000);
    expect(minutes.stepMs).toBe(30_000);
    expect(minutes.ticks.map((t) => new Date(t).getSeconds() % 30)).toEqual(Array(10).fill(0));
    const week = timeTicks(to - 7 * 24 * HOUR, to, 1000);
    expect(week.stepMs).toBe(24 * HOUR);
    expect(week.ticks.map((t) => new Date(t).getHours())).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('keeps midnights across a change to summer time (Europe/Zurich on 29 March 2026)', () => {
    const { ticks } = timeTicks(local('2026-03-27T12:00:00'), local('2026-04-01T12:00:00'), 700);
    expect(ticks.map((t) => new Date(t).getDate())).toEqual([28, 29, 30, 31, 1]);
    expect(ticks.every((t) => new Date(t).getHours() === 0)).toBe(true);
  });

  it('gives no tick for an empty window or a chart without width', () => {
    expect(timeTicks(5, 5, 1000).ticks).toEqual([]);
    expect(timeTicks(0, 1000, 0).ticks).toEqual([]);
  });
});

describe('redrawKey', () => {
  it('changes with each 1 s sample on 5 minutes over 1000 points, about once a minute and a half on a day', () => {
    const keys = (spanMs: number) => new Set(Array.from({ length: 600 }, (_, s) => redrawKey(s * 1000, spanMs, 1000)));
    expect(keys(300_000).size).toBe(600);
    expect(keys(86_400_000).size).toBeLessThanOrEqual(8);
  });
});
