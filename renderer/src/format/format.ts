/**
 * Numbers, units and times in the user's locale. Formatters are made once per locale and precision, never per value;
 * a value is never shown without its unit.
 */
const numberFormats = new Map<string, Intl.NumberFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** Profile units as people write them. */
const UNIT_SYMBOLS: Record<string, string> = { m3: 'm³', 'm3/h': 'm³/h' };

/** Energy counters are published in Wh (and varh, VAh); people read them in kWh. */
const DISPLAY_UNITS: Record<string, { unit: string; factor: number }> = {
  Wh: { unit: 'kWh', factor: 1e-3 },
  varh: { unit: 'kvarh', factor: 1e-3 },
  VAh: { unit: 'kVAh', factor: 1e-3 },
};

const DECIMALS: Record<string, number> = { W: 0, var: 0, VA: 0, kWh: 3, kvarh: 3, kVAh: 3, V: 1, A: 2, Hz: 2 };

function numberFormat(locale: string, decimals: number): Intl.NumberFormat {
  const key = `${locale}|${decimals}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    numberFormats.set(key, format);
  }
  return format;
}

export function formatNumber(locale: string, value: number, decimals = 0): string {
  return numberFormat(locale, decimals).format(value);
}

/** A profile value with its unit, e.g. `1’193 W`, `6’226.327 kWh`; unitless values (power factor) with 3 decimals. */
export function formatValue(locale: string, value: number, unit: string): string {
  const display = DISPLAY_UNITS[unit];
  const shown = display ? display.unit : (UNIT_SYMBOLS[unit] ?? unit);
  const number = formatNumber(locale, display ? value * display.factor : value, DECIMALS[shown] ?? 3);
  return shown ? `${number}\u00a0${shown}` : number;
}

const TIME_STYLES = {
  dateTime: { dateStyle: 'short', timeStyle: 'medium' },
  time: { timeStyle: 'medium' },
  minutes: { timeStyle: 'short' },
  date: { dateStyle: 'short' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

function timeFormat(locale: string, style: keyof typeof TIME_STYLES): Intl.DateTimeFormat {
  const key = `${locale}|${style}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, TIME_STYLES[style]);
    timeFormats.set(key, format);
  }
  return format;
}

/** A time in the user's zone; the date only when it is not today. */
export function formatTime(locale: string, epochMs: number, now = Date.now()): string {
  const sameDay = new Date(epochMs).toDateString() === new Date(now).toDateString();
  return timeFormat(locale, sameDay ? 'time' : 'dateTime').format(epochMs);
}

/** A time axis label, as precise as the ticks are apart: the date for days, the minute for minutes and hours. */
export function formatTick(locale: string, epochMs: number, stepMs: number): string {
  const style = stepMs >= 86_400_000 ? 'date' : stepMs >= 60_000 ? 'minutes' : 'time';
  return timeFormat(locale, style).format(epochMs);
}
