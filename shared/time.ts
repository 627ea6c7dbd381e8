/**
 * Meter clocks: civil date-time fields to Unix seconds. Pure (Intl only), so it runs in core and renderer alike.
 */

export interface CivilTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Whether the fields name a real date and time (a February 30th is not silently March 2nd). */
export function isValidCivil(t: CivilTime): boolean {
  const days = new Date(Date.UTC(t.year, t.month, 0)).getUTCDate();
  return (
    t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= days && t.hour <= 23 && t.minute <= 59 && t.second <= 59
  );
}

/** Why `timeZone` cannot be used (a message for the user), or undefined when Intl knows it. */
export function timeZoneError(timeZone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return undefined;
  } catch {
    return `"${timeZone}" is not a time zone this system knows (expected an IANA name such as Europe/Zurich)`;
  }
}

/** Unix seconds for a civil time at a fixed offset east of UTC (minutes), e.g. DSMR `S` = +120 and `W` = +60. */
export function civilToUnix(t: CivilTime, offsetMinutes: number): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) / 1000 - offsetMinutes * 60;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset east of UTC, in minutes, that `timeZone` has at the instant `unixSeconds`. */
export function zoneOffsetMinutes(unixSeconds: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(unixSeconds * 1000))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) / 1000;
  return Math.round((asUtc - unixSeconds) / 60);
}

/** The machine's own zone, the default for meter clocks that carry no offset. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Unix seconds for a civil time read in `timeZone` (for clocks without an offset). In the repeated hour after a DST
 * change the earlier instant is taken; a time inside the skipped hour is read with the offset before the change.
 */
export function zonedToUnix(t: CivilTime, timeZone: string = systemTimeZone()): number {
  const naive = civilToUnix(t, 0);
  const before = zoneOffsetMinutes(naive - 86400 / 2, timeZone);
  const after = zoneOffsetMinutes(naive + 86400 / 2, timeZone);
  for (const offset of [Math.max(before, after), Math.min(before, after)]) {
    const candidate = naive - offset * 60;
    if (zoneOffsetMinutes(candidate, timeZone) === offset) return candidate;
  }
  return naive - before * 60;
}
