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

/** Bounds the caches in this module: a decoder fed arbitrary zones and clocks must not grow them without limit. */
const MAX_CACHED_ZONES = 64;
const zoneProblems = new Map<string, string | undefined>();

/** Why `timeZone` cannot be used (a message for the user), or undefined when Intl knows it. Checked once per zone. */
export function timeZoneError(timeZone: string): string | undefined {
  if (zoneProblems.has(timeZone)) return zoneProblems.get(timeZone);
  let problem: string | undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    problem = `"${timeZone}" is not a time zone this system knows (expected an IANA name such as Europe/Zurich)`;
  }
  if (zoneProblems.size >= MAX_CACHED_ZONES) zoneProblems.clear();
  zoneProblems.set(timeZone, problem);
  return problem;
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

/** Offset east of UTC, in minutes, that `timeZone` has at the instant `unixSeconds`, as Intl computes it. */
function computeOffsetMinutes(unixSeconds: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(unixSeconds * 1000))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) / 1000;
  return Math.round((asUtc - unixSeconds) / 60);
}

const MAX_CACHED_QUARTERS = 8192;
const QUARTER_HOUR = 900;
const offsetsByZone = new Map<string, Map<number, number>>();

/**
 * Offset east of UTC, in minutes, that `timeZone` has at the instant `unixSeconds`. Intl is slow (a formatToParts
 * per call), and meters send clocks of the same few quarter hours, so offsets are cached per zone and quarter hour.
 * A quarter hour in which the offset changes (historical local mean times did, off the quarter) is never cached.
 */
export function zoneOffsetMinutes(unixSeconds: number, timeZone: string): number {
  const quarter = Math.floor(unixSeconds / QUARTER_HOUR);
  let offsets = offsetsByZone.get(timeZone);
  const cached = offsets?.get(quarter);
  if (cached !== undefined) return cached;
  const start = quarter * QUARTER_HOUR;
  const offset = computeOffsetMinutes(start, timeZone);
  if (computeOffsetMinutes(start + QUARTER_HOUR - 1, timeZone) !== offset) {
    return computeOffsetMinutes(unixSeconds, timeZone);
  }
  if (!offsets) {
    if (offsetsByZone.size >= MAX_CACHED_ZONES) offsetsByZone.clear();
    offsets = new Map();
    offsetsByZone.set(timeZone, offsets);
  }
  if (offsets.size >= MAX_CACHED_QUARTERS) offsets.clear();
  offsets.set(quarter, offset);
  return offset;
}

let systemZone: string | undefined;

/**
 * The machine's own zone, the default for meter clocks that carry no offset. Resolved once per process: building
 * an Intl.DateTimeFormat per message cost a quarter to a half of the decoding time.
 */
export function systemTimeZone(): string {
  systemZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone;
  return systemZone;
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
