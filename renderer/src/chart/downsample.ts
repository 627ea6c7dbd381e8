/**
 * Series thinned for a chart: min/max buckets sized to the pixel width, so that a peak or a dip in 86,400 points
 * still shows at 300 px while the chart draws at most two points per bucket, in time order.
 */
export interface Point {
  t: number;
  v: number;
}

export function minMaxBuckets(points: readonly Point[], buckets: number): Point[] {
  if (points.length <= buckets * 2) return points.slice();
  const out: Point[] = [];
  const size = points.length / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(points.length, Math.floor((b + 1) * size));
    let min = points[from]!;
    let max = min;
    for (let i = from + 1; i < to; i++) {
      const p = points[i]!;
      if (p.v < min.v) min = p;
      if (p.v > max.v) max = p;
    }
    if (min === max) out.push(min);
    else if (min.t < max.t) out.push(min, max);
    else out.push(max, min);
  }
  return out;
}
