/**
 * DSMR date-times: `YYMMDDhhmmssX`, where X is `S` (summer time, UTC+2) or `W` (winter time, UTC+1). DSMR 2.2/3
 * meters omit X; those clocks are read in the configured zone. Some meters write the flag in lower case (Landis+Gyr
 * E350 DSMR 4.0: `150701190000s`); it means the same.
 */
import { civilToUnix, isValidCivil, zonedToUnix, zoneOffsetMinutes, type CivilTime } from '../../time.ts';

const DSMR_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([SWsw])?$/;

const SUMMER_OFFSET_MINUTES = 120;
const WINTER_OFFSET_MINUTES = 60;

/** True when `text` has the shape of a DSMR date-time (valid or not), so callers can tell it from a number. */
export function looksLikeDsmrTime(text: string): boolean {
  return DSMR_TIME.test(text);
}

/** Unix seconds, or null when `text` is not a date-time or names an impossible one (meters send `632525252525W`). */
export function parseDsmrTime(text: string, timeZone?: string): number | null {
  const m = DSMR_TIME.exec(text);
  if (!m) return null;
  const [yy, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // The POSIX %y pivot: 69..99 are 19xx, so an unset M-Bus clock `700101010000W` reads as the Unix epoch.
  const year = yy >= 69 ? 1900 + yy : 2000 + yy;
  const t: CivilTime = { year, month, day, hour, minute, second };
  if (!isValidCivil(t)) return null;
  const flag = m[7]?.toUpperCase();
  if (flag === 'S') return civilToUnix(t, SUMMER_OFFSET_MINUTES);
  if (flag === 'W') return civilToUnix(t, WINTER_OFFSET_MINUTES);
  return zonedToUnix(t, timeZone);
}

/** Formats Unix seconds as a DSMR date-time in a CET/CEST zone, flagged `S` or `W` by the offset in force. */
export function formatDsmrTime(unixSeconds: number, timeZone = 'Europe/Amsterdam'): string {
  const summer = zoneOffsetMinutes(unixSeconds, timeZone) === SUMMER_OFFSET_MINUTES;
  const offset = summer ? SUMMER_OFFSET_MINUTES : WINTER_OFFSET_MINUTES;
  const d = new Date((unixSeconds + offset * 60) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds()) +
    (summer ? 'S' : 'W')
  );
}
