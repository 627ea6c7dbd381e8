/**
 * COSEM date-time (IEC 62056-6-2, 12 octets): year(2) month day day-of-week hour minute second hundredths
 * deviation(2, signed) clock-status.
 *
 * `deviation` is "minutes of local time to UTC": UTC = local time + deviation. A meter in Central European Time
 * therefore sends -60 in winter and -120 in summer (as the Austrian and Slovenian captures in the corpus do; the
 * Russian one sends -180), the opposite sign of an ISO 8601 offset. 0x8000 means "not specified" (Swiss and
 * Norwegian meters): the civil time is then read in the configured time zone, as is a deviation beyond ±720.
 */
import { civilToUnix, zonedToUnix, type CivilTime } from '../../time.ts';

const DEVIATION_UNSPECIFIED = -0x8000;

export interface DlmsDateTime {
  civil: CivilTime;
  /** Minutes to add to the local time to get UTC; null when the meter leaves it unspecified. */
  deviation: number | null;
  clockStatus: number;
}

/** Reads the 12 octets; null when they are no usable date-time (wrong size, wildcards in the date or time of day). */
export function parseDateTime(bytes: Uint8Array): DlmsDateTime | null {
  if (bytes.length !== 12) return null;
  const year = (bytes[0]! << 8) | bytes[1]!;
  const [month, day, , hour, minute, second] = [bytes[2]!, bytes[3]!, bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!];
  if (year === 0xffff || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const deviation = ((bytes[9]! << 24) >> 16) | bytes[10]!;
  return {
    civil: { year, month, day, hour, minute, second: second > 59 ? 0 : second },
    deviation: deviation === DEVIATION_UNSPECIFIED ? null : deviation,
    clockStatus: bytes[11]!,
  };
}

/** Unix seconds of a COSEM date-time; `timeZone` reads clocks whose deviation is unspecified. */
export function dateTimeToUnix(bytes: Uint8Array, timeZone?: string): number | null {
  const dt = parseDateTime(bytes);
  if (!dt) return null;
  if (dt.deviation === null || dt.deviation < -720 || dt.deviation > 720) return zonedToUnix(dt.civil, timeZone);
  return civilToUnix(dt.civil, -dt.deviation);
}
