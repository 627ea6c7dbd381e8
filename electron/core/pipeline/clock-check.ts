/**
 * A meter clock that carries no UTC offset and is read in the wrong zone is off by whole quarter hours (zones differ
 * by multiples of 15 minutes): noticed here, once per meter, with the setting that fixes it. Nothing is corrected.
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

export class ClockCheck {
  private readonly warned = new Set<string>();

  /** A warning the first time a meter's clock is off by whole quarter hours; `configuredZone` as the user set it. */
  check(
    meterId: string,
    meterTime: number | undefined,
    receivedAt: number,
    configuredZone?: string,
  ): string | undefined {
    if (meterTime === undefined || this.warned.has(meterId)) return undefined;
    const skew = quarterHourSkew(meterTime, receivedAt);
    if (skew === undefined) return undefined;
    if (this.warned.size >= MAX_WARNED) this.warned.clear();
    this.warned.add(meterId);
    const zone = configuredZone
      ? `the configured "timeZone: ${configuredZone}"`
      : `no configured zone (this machine's is ${systemTimeZone()})`;
    return (
      `meter ${meterId}: its clock is ${span(skew)} ${skew > 0 ? 'ahead of' : 'behind'} the time its messages arrive. ` +
      `A meter clock without a UTC offset is read with ${zone}; set "timeZone" in the config to the zone the meter ` +
      `runs on (an IANA name such as Europe/Zurich), or correct the meter's clock.`
    );
  }
}
