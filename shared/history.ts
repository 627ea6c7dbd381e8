/**
 * The history's query and answer, shared by the core's store and the UI. Pure: no Node, no DOM.
 */
import { z } from 'zod';

/** A series name is a reading's last topic level: the quantity, with `_<channel>` for a second sub-meter. */
export const historyQuerySchema = z.strictObject({
  meterId: z.string().min(1).max(200),
  quantities: z
    .array(z.string().regex(/^[a-z0-9_]{1,64}$/))
    .min(1)
    .max(32),
  /** Unix seconds, from inclusive, to exclusive. */
  from: z.number().finite(),
  to: z.number().finite(),
  /** About this many buckets per series (the chart's width in pixels); absent: the store's natural resolution. */
  points: z.number().int().min(1).max(10_000).optional(),
});
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

/** Where a series' buckets come from: every reading, or the 1-minute or 1-hour aggregates. */
export type HistoryResolution = 'raw' | '1m' | '1h';

/**
 * One quantity over the range, bucketed: `value` is the mean for power-like quantities and the last (highest)
 * reading for counters; `min`/`max` the extremes in the bucket. Columns of equal length, `t` the bucket's start.
 */
export interface HistorySeries {
  quantity: string;
  unit: string;
  counter: boolean;
  resolution: HistoryResolution;
  bucketSeconds: number;
  t: number[];
  value: number[];
  min: number[];
  max: number[];
}
