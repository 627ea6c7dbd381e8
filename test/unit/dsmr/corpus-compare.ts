/**
 * The corpus README's comparison rules for OBIS values: numbers within a relative 1e-6 after unit conversion
 * (case-insensitive units, k-prefixes undone), strings trimmed and case-insensitive, a DSMR hex string equal to its
 * ASCII. The corpus oracle also wrote some numbers as text and hex text as numbers; both compare by what they state.
 */
import type { ObisValue } from '../../../shared/protocols/types.ts';
import { decodeHexAscii, encodeHexAscii } from '../../../shared/protocols/dsmr/text.ts';

export interface ExpectedValue {
  obis: string | null;
  value: number | string;
  unit: string | null;
}

const K_PREFIXED = new Set(['kw', 'kwh', 'kvar', 'kvarh', 'kva']);

/** The value in base units and the base unit, lower-case (`2.5 kWh` → 2500 `wh`). */
function toBase(value: number, unit: string | null): [number, string | null] {
  const u = unit?.toLowerCase() ?? null;
  if (u !== null && K_PREFIXED.has(u)) return [value * 1000, u.slice(1)];
  if (u === 'l') return [value / 1000, 'm3'];
  return [value, u];
}

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

/** Every spelling a string stands for: itself, the ASCII its hex spells, the hex of its ASCII. */
function spellings(text: string): string[] {
  const t = text.trim();
  return [t, decodeHexAscii(t), encodeHexAscii(t)].filter((s): s is string => s !== null).map((s) => s.toLowerCase());
}

function numbersIn(text: string): number[] {
  return spellings(text)
    .filter((s) => /^[-+]?\d+(\.\d+)?$/.test(s))
    .map(Number);
}

export function valueMatches(expected: ExpectedValue, actual: ObisValue): boolean {
  if (typeof expected.value === 'string') {
    if (typeof actual.value === 'number') return numbersIn(expected.value).some((n) => close(n, actual.value as number));
    const wanted = spellings(expected.value);
    return spellings(actual.value).some((s) => wanted.includes(s));
  }
  const actualNumbers = typeof actual.value === 'number' ? [actual.value] : numbersIn(actual.value);
  const [want, wantUnit] = toBase(expected.value, expected.unit);
  return actualNumbers.some((n) => {
    const [got, gotUnit] = toBase(n, actual.unit);
    if (expected.unit === null) return (actual.unit === null && close(n, expected.value as number)) || close(got, want);
    return gotUnit === wantUnit && close(got, want);
  });
}

export function idMatches(expected: string[], actual: string | undefined): boolean {
  if (actual === undefined) return false;
  const got = spellings(actual);
  return expected.some((id) => spellings(id).some((s) => got.includes(s)));
}
