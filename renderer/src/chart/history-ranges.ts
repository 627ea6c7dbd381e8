/** The chart's ranges, and how a range's history and the live samples since become one series. */
import type { HistorySeries } from '../../../shared/history.ts';
import type { Point } from './downsample.ts';

export const RANGES = [
  { key: 'live', seconds: 0 },
  { key: 'm5', seconds: 300 },
  { key: 'h1', seconds: 3600 },
  { key: 'h24', seconds: 86_400 },
  { key: 'd7', seconds: 7 * 86_400 },
  { key: 'd30', seconds: 30 * 86_400 },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];

/**
 * Points in ms for the chart. A bucket of a power-like series gives its min and max (a spike stays as high as it
 * was, not averaged away); a counter's its last value, in the bucket's middle.
 */
export function historyPoints(series: HistorySeries | undefined): Point[] {
  if (!series) return [];
  const w = series.bucketSeconds * 1000;
  const out: Point[] = [];
  for (let i = 0; i < series.t.length; i++) {
    const start = series.t[i]! * 1000;
    const [min, max] = [series.min[i]!, series.max[i]!];
    if (series.counter || min === max) out.push({ t: start + w / 2, v: series.value[i]! });
    else out.push({ t: start + w / 4, v: min }, { t: start + (3 * w) / 4, v: max });
  }
  return out;
}

/** The history, then the live samples that arrived after it, inside the window ending now. */
export function withLive(history: readonly Point[], live: readonly Point[], fromMs: number): Point[] {
  const last = history.at(-1)?.t ?? fromMs;
  const out = history.filter((p) => p.t >= fromMs);
  for (const p of live) if (p.t > last) out.push(p);
  return out;
}

/**
 * A number that changes only when a sample at `lastMs` would move a line by a point: with `pointsAcross` points over
 * `spanMs`, a day's chart redraws once every minute or so, not on every 1 s sample that draws onto the same pixel.
 */
export function redrawKey(lastMs: number, spanMs: number, pointsAcross: number): number {
  return spanMs > 0 && pointsAcross > 0 ? Math.floor(lastMs / (spanMs / pointsAcross)) : lastMs;
}
