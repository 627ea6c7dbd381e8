/**
 * DSMR date-times: `YYMMDDhhmmssX`, where X is `S` (summer time, UTC+2) or `W` (winter time, UTC+1). DSMR 2.2/3
 * meters omit X; those clocks are read in the configured zone. Some meters write the flag in lower case (Landis+Gyr
 * E350 DSMR 4.0: `150701190000s`); it means the same. Read from the telegram's bytes by arithmetic: no string, no Date.
 */
import { zonedToUnix, zoneOffsetMinutes } from '../../time.ts';
import { latin1Bytes } from './text.ts';

const SUMMER_OFFSET_MINUTES = 120;
const WINTER_OFFSET_MINUTES = 60;
const DIGITS = 12;
const FLAG_S = 0x53;
const FLAG_W = 0x57;

/**
 * True when bytes[start, end) have the shape of a DSMR date-time (valid or not): twelve digits and an optional
 * S/W flag in either case. Callers use it to tell a clock from a number.
 */
export function isDsmrTime(bytes: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length !== DIGITS && length !== DIGITS + 1) return false;
  for (let i = start; i < start + DIGITS; i++) if (bytes[i]! < 0x30 || bytes[i]! > 0x39) return false;
  if (length === DIGITS) return true;
  const flag = bytes[end - 1]! & ~0x20;
  return flag === FLAG_S || flag === FLAG_W;
}

/**
 * Unix seconds of the date-time in bytes[start, end), or null when it is not one or names an impossible one (meters
 * send `632525252525W`).
 */
export function readDsmrTime(bytes: Uint8Array, start: number, end: number, timeZone?: string): number | null {
  if (!isDsmrTime(bytes, start, end)) return null;
  const yy = twoDigits(bytes, start);
  // The POSIX %y pivot: 69..99 are 19xx, so an unset M-Bus clock `700101010000W` reads as the Unix epoch.
  const year = yy >= 69 ? 1900 + yy : 2000 + yy;
  const month = twoDigits(bytes, start + 2);
  const day = twoDigits(bytes, start + 4);
  const hour = twoDigits(bytes, start + 6);
  const minute = twoDigits(bytes, start + 8);
  const second = twoDigits(bytes, start + 10);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const local = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  if (end - start === DIGITS) return zonedToUnix({ year, month, day, hour, minute, second }, timeZone);
  const flag = bytes[end - 1]! & ~0x20;
  return local - (flag === FLAG_S ? SUMMER_OFFSET_MINUTES : WINTER_OFFSET_MINUTES) * 60;
}

/** Unix seconds, or null when `text` is not a date-time or names an impossible one. */
export function parseDsmrTime(text: string, timeZone?: string): number | null {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return null;
  return readDsmrTime(latin1Bytes(text), 0, text.length, timeZone);
}

function twoDigits(bytes: Uint8Array, at: number): number {
  return (bytes[at]! - 0x30) * 10 + bytes[at + 1]! - 0x30;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (the era arithmetic of H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
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
