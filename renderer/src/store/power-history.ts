/**
 * Import and export power per meter since the page opened, from the pushed views: one sample per new meter message,
 * at most a day of 1 s data kept per meter (the oldest dropped in blocks, not one shift per sample).
 */
import type { MeterView } from '../../../shared/api.ts';
import type { Point } from '../chart/downsample.ts';

export const MAX_SAMPLES = 86_400;

export interface PowerSeries {
  import: Point[];
  export: Point[];
}

function watts(meter: MeterView, quantity: string): number | undefined {
  return meter.readings.find((r) => r.quantity === quantity)?.value;
}

function trim(points: Point[]): void {
  if (points.length > MAX_SAMPLES * 1.1) points.splice(0, points.length - MAX_SAMPLES);
}

export class PowerHistory {
  private readonly series = new Map<string, PowerSeries>();
  private readonly lastSeen = new Map<string, number>();

  /** Adds what is new in these meters; true when any series grew. */
  add(meters: readonly MeterView[]): boolean {
    let grew = false;
    for (const meter of meters) {
      if (this.lastSeen.get(meter.meterId) === meter.lastSeen) continue;
      this.lastSeen.set(meter.meterId, meter.lastSeen);
      const t = meter.lastSeen * 1000;
      let series = this.series.get(meter.meterId);
      if (!series) this.series.set(meter.meterId, (series = { import: [], export: [] }));
      const powerIn = watts(meter, 'power_in');
      const powerOut = watts(meter, 'power_out');
      if (powerIn !== undefined) series.import.push({ t, v: powerIn });
      if (powerOut !== undefined) series.export.push({ t, v: powerOut });
      trim(series.import);
      trim(series.export);
      grew ||= powerIn !== undefined || powerOut !== undefined;
    }
    return grew;
  }

  of(meterId: string): PowerSeries | undefined {
    return this.series.get(meterId);
  }

  /** The times of the meter's first and last samples; undefined before its first. */
  span(meterId: string): { fromMs: number; toMs: number } | undefined {
    const series = this.series.get(meterId);
    const first = Math.min(series?.import[0]?.t ?? Infinity, series?.export[0]?.t ?? Infinity);
    const last = Math.max(series?.import.at(-1)?.t ?? -Infinity, series?.export.at(-1)?.t ?? -Infinity);
    return first <= last ? { fromMs: first, toMs: last } : undefined;
  }
}
