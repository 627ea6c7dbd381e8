/**
 * The corpus README's comparison rules, as one checker: returns the list of mismatches (empty when the case passes),
 * so a failing case says every value it got wrong at once.
 */
import type { DecodedLine } from './decoded-line.ts';
import type { CorpusCase, ExpectedValue } from './manifest.ts';
import { checkMbusRecords, withDeviations } from './mbus-records.ts';

const K_UNITS = new Set(['kw', 'kwh', 'kvar', 'kvarh', 'kva', 'kvah']);

/** A number in a base unit: k-prefixes undone, litres as m3, names lower-cased. */
function toBase(value: number, unit: string | null): { value: number; unit: string | null } {
  if (unit === null) return { value, unit };
  const u = unit.trim().toLowerCase().replace('â°', '°').replace('m³', 'm3');
  if (K_UNITS.has(u)) return { value: value * 1000, unit: u.slice(1) };
  if (u === 'l') return { value: value / 1000, unit: 'm3' };
  return { value, unit: u };
}

function close(a: number, b: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

function asciiOfHex(text: string): string | null {
  if (!/^([0-9a-f]{2})+$/i.test(text)) return null;
  const chars = text.match(/../g)!.map((h) => parseInt(h, 16));
  return chars.every((c) => c >= 0x20 && c < 0x7f) ? String.fromCharCode(...chars) : null;
}

export function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().toLowerCase();
  const forms = (s: string) => [norm(s), norm(asciiOfHex(s.trim()) ?? s)];
  return forms(a).some((x) => forms(b).includes(x));
}

function numberMatches(
  got: { value: number; unit: string | null },
  want: { value: number; unit: string | null },
): boolean {
  const g = toBase(got.value, got.unit);
  if (want.unit === null) {
    // The frame stated no unit: the number as given, or once its k-prefix is undone.
    return close(got.value, want.value) || close(g.value, want.value);
  }
  const w = toBase(want.value, want.unit);
  return g.unit === w.unit && close(g.value, w.value);
}

type Reading = { value: number | string; unit: string | null };

/**
 * The oracle types some codes differently from case to case (`0-0:96.3.10` is "1" in one telegram and 1 in another;
 * a hex message is sometimes its digits read as a decimal number), so text and numbers are compared across types.
 */
function sameAcrossTypes(got: number | string, want: number | string): boolean {
  if (typeof got === 'number' && typeof want === 'string')
    return /^-?\d+(\.\d+)?$/.test(want.trim()) && close(got, Number(want));
  if (typeof got === 'string' && typeof want === 'number') {
    const hexOfText = Array.from(got, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
    return [got.trim(), hexOfText].some((t) => /^-?\d+(\.\d+)?$/.test(t) && close(Number(t), want));
  }
  return false;
}

function valueMatches(got: Reading, want: ExpectedValue): boolean {
  // The unscaled register is accepted without a unit only: 2347 V is wrong, 234.7 V or a bare 2347 are right.
  if (want.raw !== undefined && got.unit === null && typeof got.value === 'number' && close(got.value, want.raw))
    return true;
  return [want, ...(want.alternatives ?? [])].some((w) => {
    if (typeof w.value === 'string' && typeof got.value === 'string') return sameText(got.value, w.value);
    if (typeof w.value === 'number' && typeof got.value === 'number') {
      return numberMatches({ value: got.value, unit: got.unit }, { value: w.value, unit: w.unit });
    }
    return w.unit === null && sameAcrossTypes(got.value, w.value);
  });
}

function describe(v: { obis?: string | null; value: unknown; unit: string | null }): string {
  return `${v.obis ?? '(no obis)'}=${JSON.stringify(v.value)}${v.unit ? ` ${v.unit}` : ''}`;
}

function checkValues(line: DecodedLine, wanted: ExpectedValue[]): string[] {
  const problems: string[] = [];
  const values = line.values ?? [];
  for (const want of wanted) {
    const candidates = want.obis === null ? values : values.filter((v) => v.obis === want.obis);
    if (!candidates.some((v) => valueMatches(v, want))) {
      const seen = candidates.slice(0, 3).map(describe).join(', ') || 'nothing';
      problems.push(`expected ${describe(want)}, got ${seen}`);
    }
  }
  return problems;
}

function checkMeterId(line: DecodedLine, c: CorpusCase): string[] {
  const { meterId, meterIdAlternatives = [] } = c.expected;
  if (meterId === undefined) return [];
  const ok = [meterId, ...meterIdAlternatives].some((id) => line.meterId !== undefined && sameText(line.meterId, id));
  return ok ? [] : [`expected meterId ${meterId}, got ${JSON.stringify(line.meterId)}`];
}

/** Every mismatch between what `decode` printed for a case and what the manifest expects. */
export function checkCase(c: CorpusCase, lines: DecodedLine[], { deviations = true } = {}): string[] {
  const decoded = lines.filter((l) => !l.error);
  const errors = lines.filter((l) => l.error).map((l) => l.error!);
  if (c.expected.outcome === 'error') {
    const kinds = c.expected.errorKinds ?? [];
    if (decoded.length) return [`expected no message to decode, ${decoded.length} did`];
    return errors.some((e) => kinds.includes(e.kind))
      ? []
      : [`expected an error of kind ${kinds.join('|')}, got ${JSON.stringify(errors)}`];
  }
  const want = c.expected.messages ?? 1;
  if (decoded.length !== want) {
    return [
      `expected ${want} decoded message(s), got ${decoded.length}; errors: ${JSON.stringify(errors.slice(0, 3))}`,
    ];
  }
  if (c.protocol === 'mbus') return checkMbusRecords(deviations ? withDeviations(c) : c, decoded[0]!);
  const perMessage = c.expected.perMessage ?? [{ values: c.expected.values ?? [] }];
  return perMessage.flatMap((m, i) => [...checkValues(decoded[i]!, m.values), ...checkMeterId(decoded[i]!, c)]);
}
