/**
 * M-Bus cases per ../shared/corpus/README.md: device fields; data records in order, extra decoded records allowed
 * (function, storage, tariff, subunit, value after SI conversion); manufacturer-specific and more-records-follow
 * records looked up by their data (either byte order); idle fillers carry no data to look up.
 * Where the oracle's reading contradicts EN 13757-3, DEVIATIONS states ours instead, with the reason.
 */
import type { DecodedLine, DecodedValue } from './decoded-line.ts';
import type { CorpusCase, ExpectedRecord } from './manifest.ts';

/** Expected records replaced by index, with the reason the oracle is not followed there. */
export const DEVIATIONS: Record<string, { reason: string; records: Record<number, Partial<ExpectedRecord>> }> = {
  'mbus-libmbus-ELS_Elster-F96-Plus': {
    reason: 'BCD data with hex digits A-F is an error marker, not a number; libmbus prints an arbitrary number',
    records: { 4: { value: 'DDDDEBBD' }, 5: { value: 'DDEBBD' } },
  },
  'mbus-libmbus-abb_f95': {
    reason: 'BCD data with hex digits A-F is an error marker, not a number; libmbus prints an arbitrary number',
    records: { 2: { value: 'DDEBB4DD' }, 3: { value: 'EBB4DD' } },
  },
  'mbus-libmbus-landis+gyr_ultraheat_t230': {
    reason: 'VIFE 0x6F makes the data the date/time of the last limit exceed (type F); libmbus ignores the VIFE',
    records: {
      19: { value: '2000-00-00T00:00:00', unit: null },
      20: { value: '2000-00-00T00:00:00', unit: null },
      21: { value: '2011-08-26T20:50:00', unit: null },
      22: { value: '2011-08-09T11:43:00', unit: null },
    },
  },
  'mbus-libmbus-manual_frame2': {
    reason: 'fixed structure unit code 0x3E means "same unit as counter 1, historic value"; libmbus leaves it unitless',
    records: { 1: { value: 0.135, unit: 'm3', storage: 1 } },
  },
};

export function withDeviations(c: CorpusCase): CorpusCase {
  const deviation = DEVIATIONS[c.id];
  if (!deviation) return c;
  const records = (c.expected.records ?? []).map((r, i) => ({ ...r, ...deviation.records[i] }));
  return { ...c, expected: { ...c.expected, records } };
}

const SPECIAL = new Set(['manufacturer-specific', 'more-records-follow', 'idle-filler']);
/** The oracle's units that are not the decoder's SI unit: factor to the SI value. */
const TO_SI: Record<string, number> = { kwh: 1000, l: 0.001 };

/** The manifest stores "°" as UTF-8 read as Latin-1 ("Â°"). */
const demojibake = (s: string) => s.replace(/Â°/g, '°');

function sameNumber(actual: number, expected: number): boolean {
  // The oracle prints six decimals: allow that rounding besides a relative 1e-6.
  return Math.abs(actual - expected) <= Math.max(1e-6 * Math.abs(expected), 5.1e-7);
}

function sameValue(actual: number | string, e: ExpectedRecord): boolean {
  if (typeof e.value === 'number') {
    const expected = e.value * (TO_SI[(e.unit ?? '').toLowerCase()] ?? 1);
    return typeof actual === 'number' && sameNumber(actual, expected);
  }
  // "Dates such as 2000-00-00 mean no date; any rendering passes."
  if (/^\d{4}-(00-|\d\d-00)/.test(e.value)) return typeof actual === 'string';
  // The oracle writes meter-local date-times with a 'Z' although the frame carries no zone.
  const expected = e.value
    .trim()
    .replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z$/, '$1')
    .toLowerCase();
  return String(actual).trim().toLowerCase() === expected;
}

function sameData(actual: number | string, expected: number | string): boolean {
  const bytes = String(actual).replace(/\s+/g, '').toUpperCase();
  const reversed = (bytes.match(/../g) ?? []).reverse().join('');
  if (typeof expected === 'number')
    return [bytes, reversed].some((b) => /^[0-9A-F]+$/.test(b) && BigInt(`0x${b}`) === BigInt(expected));
  const want = expected.replace(/\s+/g, '').toUpperCase();
  return bytes === want || reversed === want;
}

const describe = (r: DecodedValue | ExpectedRecord) =>
  `${r.function} s${r.storage} t${r.tariff} u${r.subunit} ${r.quantity ?? ''} = ${JSON.stringify(r.value)} ${r.unit ?? ''}`;

/** Human-readable differences between one decoded M-Bus message and the case; empty when it satisfies the case. */
export function checkMbusRecords(c: CorpusCase, m: DecodedLine): string[] {
  const problems: string[] = [];
  const device = m.device ?? {};
  const values = m.values ?? [];
  for (const [key, want] of Object.entries(c.expected.device ?? {})) {
    const got = device[key];
    // The oracle prints the identification number without its leading zeros.
    const norm = (v: unknown) => (typeof v !== 'string' ? v : key === 'id' ? v.replace(/^0+(?=.)/, '') : demojibake(v));
    if (norm(got) !== norm(want))
      problems.push(`device.${key}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  if (m.meterId !== device.id) problems.push(`meterId ${m.meterId} differs from device.id`);
  const data = values.filter((r) => !SPECIAL.has(r.function ?? ''));
  let next = 0;
  for (const e of c.expected.records ?? []) {
    if (e.function === 'idle-filler') continue;
    if (SPECIAL.has(e.function)) {
      if (!values.some((r) => r.function === e.function && sameData(r.value, e.value))) {
        problems.push(`no ${e.function} record with data ${JSON.stringify(e.value)}`);
      }
      continue;
    }
    const at = data.findIndex(
      (r, i) =>
        i >= next &&
        r.function === e.function &&
        r.storage === (e.storage ?? 0) &&
        r.tariff === (e.tariff ?? 0) &&
        r.subunit === (e.subunit ?? 0) &&
        sameValue(r.value, e),
    );
    if (at < 0) {
      const following = data[next];
      problems.push(`missing in order: ${describe(e)}; next decoded: ${following ? describe(following) : 'none'}`);
    } else {
      next = at + 1;
    }
  }
  return problems;
}
