/** Gateway clocks as text: ISO 8601 date-times, with an offset or read in a configured zone. */
import { civilToUnix, isValidCivil, zonedToUnix, type CivilTime } from '../time.ts';

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Unix seconds (fraction dropped) for `YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm]`; without an offset the time is read in
 * `timeZone`. Undefined for any other text or an impossible date (a February 30th is not silently March 2nd).
 */
export function parseIsoDateTime(text: string, timeZone: string): number | undefined {
  const m = ISO_DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const civil: CivilTime = { year, month, day, hour, minute, second };
  if (!isValidCivil(civil)) return undefined;
  const offset = m[7];
  if (offset === undefined) return zonedToUnix(civil, timeZone);
  if (offset.toUpperCase() === 'Z') return civilToUnix(civil, 0);
  const digits = offset.replace(':', '');
  const [hours, mins] = [Number(digits.slice(1, 3)), Number(digits.slice(3, 5))];
  if (hours > 18 || mins > 59) return undefined;
  const minutes = hours * 60 + mins;
  return civilToUnix(civil, offset.startsWith('-') ? -minutes : minutes);
}
