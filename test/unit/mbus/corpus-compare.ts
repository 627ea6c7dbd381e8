/**
 * Compares decoder output with a corpus case per ../shared/corpus/README.md: device fields; data records in order
 * (function, storage, tariff, subunit, value after SI conversion); manufacturer-specific and more-records-follow
 * records looked up by their data (either byte order); idle fillers carry no data to look up.
 */
import type { DecodeOutput, MbusMessage, MbusRecord } from '../../../shared/protocols/types.ts';

export interface ExpectedRecord {
  function: string;
  storage?: number;
  tariff?: number;
  subunit?: number;
  unit?: string | null;
  quantity?: string | null;
  value: number | string;
}

export interface MbusCase {
  id: string;
  protocol: string;
  file: string;
  expected: {
    messages: number;
    device: Partial<Record<'id' | 'manufacturer' | 'medium' | 'status', string> & Record<'version' | 'accessNumber', number>>;
    records: ExpectedRecord[];
  };
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
  const expected = e.value.trim().replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z$/, '$1').toLowerCase();
  return String(actual).trim().toLowerCase() === expected;
}

function sameData(actual: number | string, expected: number | string): boolean {
  const bytes = String(actual).replace(/\s+/g, '').toUpperCase();
  const reversed = (bytes.match(/../g) ?? []).reverse().join('');
  if (typeof expected === 'number') return [bytes, reversed].some((b) => b !== '' && BigInt(`0x${b}`) === BigInt(expected));
  const want = expected.replace(/\s+/g, '').toUpperCase();
  return bytes === want || reversed === want;
}

const describe = (r: Partial<MbusRecord> | ExpectedRecord) =>
  `${r.function} s${r.storage} t${r.tariff} u${r.subunit} ${r.quantity ?? ''} = ${JSON.stringify(r.value)} ${r.unit ?? ''}`;

/** Human-readable differences; empty when the output satisfies the case. */
export function compareCase(c: MbusCase, outputs: DecodeOutput[]): string[] {
  const messages = outputs.flatMap((o) => (o.ok && o.message.protocol === 'mbus' ? [o.message as MbusMessage] : []));
  const errors = outputs.flatMap((o) => (o.ok ? [] : [`${o.error.kind}: ${o.error.message}`]));
  if (messages.length !== c.expected.messages) return [`${messages.length} messages, expected ${c.expected.messages}`, ...errors];
  const [m] = messages as [MbusMessage];
  const problems: string[] = [];
  for (const [key, want] of Object.entries(c.expected.device)) {
    const got = m.device[key as keyof MbusMessage['device']];
    // The oracle prints the identification number without its leading zeros.
    const norm = (v: unknown) => (typeof v !== 'string' ? v : key === 'id' ? v.replace(/^0+(?=.)/, '') : demojibake(v));
    if (norm(got) !== norm(want)) problems.push(`device.${key}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  if (m.meterId !== m.device.id) problems.push(`meterId ${m.meterId} differs from device.id`);
  const data = m.values.filter((r) => !SPECIAL.has(r.function));
  let next = 0;
  for (const e of c.expected.records) {
    if (e.function === 'idle-filler') continue;
    if (SPECIAL.has(e.function)) {
      if (!m.values.some((r) => r.function === e.function && sameData(r.value, e.value))) {
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
      problems.push(`missing in order: ${describe(e)}; next decoded: ${data[next] ? describe(data[next]) : 'none'}`);
    } else {
      next = at + 1;
    }
  }
  return problems;
}
