/**
 * The time axis' ticks, chosen here rather than by the chart library: at round times of the user's clock (whole
 * minutes, hours, midnights), about one per `pxPerTick` of the axis, so that the chart never measures label text to
 * thin out overlapping ticks (a forced layout per label on every redraw).
 */
const STEP_SECONDS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800,
];

export interface TimeTicks {
  ticks: number[];
  /** The distance between ticks (ms): what a label shows depends on it (seconds, the time, the date). */
  stepMs: number;
}

/** The offset of the local clock from UTC (ms) at a moment: positive east of Greenwich. */
const localOffset = (ms: number) => -new Date(ms).getTimezoneOffset() * 60_000;

export function timeTicks(fromMs: number, toMs: number, widthPx: number, pxPerTick = 100): TimeTicks {
  const span = toMs - fromMs;
  if (!(span > 0) || !(widthPx > 0)) return { ticks: [], stepMs: 1000 };
  const wanted = Math.max(1, Math.floor(widthPx / pxPerTick));
  const stepMs = (STEP_SECONDS.find((s) => s * 1000 * wanted >= span) ?? STEP_SECONDS.at(-1)!) * 1000;
  const ticks: number[] = [];
  // Round on the local clock, converted back with the offset at each tick (a range may cross a DST change).
  for (let local = Math.ceil((fromMs + localOffset(fromMs)) / stepMs) * stepMs; ; local += stepMs) {
    const t = local - localOffset(local - localOffset(fromMs));
    if (t > toMs) break;
    if (t >= fromMs && t !== ticks.at(-1)) ticks.push(t);
  }
  return { ticks, stepMs };
}
