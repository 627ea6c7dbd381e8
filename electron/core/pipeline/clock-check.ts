/**
 * A meter clock that carries no UTC offset and is read in the wrong zone is off by whole quarter hours (zones differ
 * by multiples of 15 minutes): noticed here once per meter and reported with the setting that fixes it, in one line
 * per interval for all meters noticed since (1,000 meters in the wrong zone are one line, not 1,000). Nothing is
 * corrected.
 */
import { systemTimeZone } from '../../../shared/time.ts';

const QUARTER_HOUR = 900;
/** Seconds a clock may drift or a message may be late and still count as a whole quarter-hour offset. */
const TOLERANCE = 90;
/** Zones lie within −12 h and +14 h of UTC. */
const MAX_QUARTERS = 26 * 4;
/** Warned meters remembered at most (bounded like everything fed by meter IDs). */
const MAX_WARNED = 10_000;

/** Minutes the meter clock is ahead (+) or behind (−) in whole quarter hours, or undefined when it is not. */
export function quarterHourSkew(meterTime: number, receivedAt: number): number | undefined {
  const skew = meterTime - receivedAt;
  const quarters = Math.round(skew / QUARTER_HOUR);
  if (quarters === 0 || Math.abs(quarters) > MAX_QUARTERS) return undefined;
  return Math.abs(skew - quarters * QUARTER_HOUR) <= TOLERANCE ? quarters * 15 : undefined;
}

function span(minutes: number): string {
  const h = Math.floor(Math.abs(minutes) / 60);
  const m = Math.abs(minutes) % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

/** Meters noticed are reported at once, then at most this often (s), with those noticed since. */
export const CLOCK_REPORT_INTERVAL_S = 60;
/** Meter IDs named in one line; the rest are counted. */
const NAMED = 5;

export class ClockCheck {
  private readonly warned = new Set<string>();
  /** Noticed since the last line: meter ID and its skew in minutes. */
  private pending: Array<[string, number]> = [];
  private reportedAt = -Infinity;

  /** Notes a meter whose clock is off by whole quarter hours, the first time only. */
  check(meterId: string, meterTime: number | undefined, receivedAt: number): void {
    if (meterTime === undefined || this.warned.has(meterId)) return;
    const skew = quarterHourSkew(meterTime, receivedAt);
    if (skew === undefined) return;
    if (this.warned.size >= MAX_WARNED) this.warned.clear();
    this.warned.add(meterId);
    if (this.pending.length < MAX_WARNED) this.pending.push([meterId, skew]);
  }

  /**
   * One warning for the meters noticed since the last one, when the interval has passed; `now` in Unix seconds,
   * `configuredZone` as the user set it.
   */
  report(now: number, configuredZone?: string): string | undefined {
    if (this.pending.length === 0 || now - this.reportedAt < CLOCK_REPORT_INTERVAL_S) return undefined;
    const noticed = this.pending;
    this.pending = [];
    this.reportedAt = now;
    const named = noticed
      .slice(0, NAMED)
      .map(([id, skew]) => `${id} (${span(skew)} ${skew > 0 ? 'ahead' : 'behind'})`)
      .join(', ');
    const more = noticed.length > NAMED ? ` and ${noticed.length - NAMED} more` : '';
    const zone = configuredZone
      ? `the configured "timeZone: ${configuredZone}"`
      : `no configured zone (this machine's is ${systemTimeZone()})`;
    return (
      `${noticed.length} meter(s) with a clock off by whole quarter hours from the time their messages arrive: ` +
      `${named}${more}. A meter clock without a UTC offset is read with ${zone}; set "timeZone" in the config to ` +
      `the zone the meters run on (an IANA name such as Europe/Zurich), or correct the meters' clocks.`
    );
  }
}
