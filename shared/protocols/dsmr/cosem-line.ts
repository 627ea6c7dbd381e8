/**
 * The text syntax of a telegram body, read from the bytes: `OBIS(group)(group)...` lines, where a line that starts
 * with `(` continues the line before it (DSMR 2.2/3 put the gas reading on the next line), and a group may carry a
 * unit as `value*unit`. Groups are byte ranges; strings are made only for what the output holds.
 */
import { latin1 } from './text.ts';

const LPAREN = 0x28;
const RPAREN = 0x29;
const STAR = 0x2a;
const AMP = 0x26;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
/** What follows fields A, B, C and D of an OBIS code. */
const SEPARATORS = [0x2d, 0x3a, 0x2e, 0x2e];

/** The bytes String.prototype.trim drops that latin-1 can hold: TAB..CR, space, no-break space. */
export const isBlank = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

export function indexOfByte(bytes: Uint8Array, value: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (bytes[i] === value) return i;
  return -1;
}

/**
 * `A-B:C.D.E[*F]` (or `&F`) in bytes[start, end), each field 1-3 digits up to 255, as one number (six octets, F 255
 * when absent); -1 for anything else.
 */
export function readObisKey(bytes: Uint8Array, start: number, end: number): number {
  let key = 0;
  let i = start;
  for (let field = 0; field < 6; field++) {
    const first = i;
    let n = 0;
    while (i < end && i - first < 3 && isDigit(bytes[i]!)) n = n * 10 + bytes[i++]! - 0x30;
    if (i === first || n > 255) return -1;
    key = key * 256 + n;
    if (field === 5) return i === end ? key : -1;
    if (field === 4) {
      if (i === end) return key * 256 + 255;
      if (bytes[i] !== STAR && bytes[i] !== AMP) return -1;
    } else if (i === end || bytes[i] !== SEPARATORS[field]) {
      return -1;
    }
    i++;
  }
  return -1;
}

/** `(a)(b*u)` from the `(` at `open` to `end`: the trimmed contents as start/end pairs; an unclosed group runs to the end. */
export function addGroups(bytes: Uint8Array, open: number, end: number, out: number[]): void {
  while (open >= 0) {
    const close = indexOfByte(bytes, RPAREN, open + 1, end);
    let first = open + 1;
    let last = close < 0 ? end : close;
    while (first < last && isBlank(bytes[first]!)) first++;
    while (last > first && isBlank(bytes[last - 1]!)) last--;
    out.push(first, last);
    open = close < 0 ? -1 : indexOfByte(bytes, LPAREN, close + 1, end);
  }
}

/**
 * Where the value text of the group bytes[start, end) ends: at its last `*` when a unit follows (`000123.456*kWh`),
 * else at `end`.
 */
export function unitStar(bytes: Uint8Array, start: number, end: number): number {
  let star = end - 1;
  while (star >= start && bytes[star] !== STAR) star--;
  return star >= start && isUnit(bytes, star + 1, end) ? star : end;
}

/** `[A-Za-z°%][A-Za-z0-9°%/]{0,7}` */
function isUnit(bytes: Uint8Array, start: number, end: number): boolean {
  if (end <= start || end - start > 8) return false;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    const letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
    const sign = c === 0xb0 || c === 0x25;
    if (!letter && !sign && (i === start || (!isDigit(c) && c !== 0x2f))) return false;
  }
  return true;
}

const MAX_CACHED_UNITS = 256;
const units = new Map<number, string>();

/** A unit's text; the few units meters state are made into strings once. */
export function unitText(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > 6) return latin1(bytes, start, end);
  let key = 0;
  for (let i = start; i < end; i++) key = key * 256 + bytes[i]!;
  let unit = units.get(key);
  if (unit === undefined) {
    if (units.size >= MAX_CACHED_UNITS) units.clear();
    unit = latin1(bytes, start, end);
    units.set(key, unit);
  }
  return unit;
}

/** Powers of ten that doubles hold exactly. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The number bytes[start, end) state as `[-+]digits[.digits]`, or null when they are not a plain decimal. Read
 * digit by digit: while the digits form an exact integer and the power of ten is exact, one division rounds exactly
 * as Number() would; longer numbers go through Number().
 */
export function readDecimal(bytes: Uint8Array, start: number, end: number): number | null {
  let i = start;
  const negative = i < end && bytes[i] === MINUS;
  if (i < end && (negative || bytes[i] === PLUS)) i++;
  const intStart = i;
  let mantissa = 0;
  while (i < end && isDigit(bytes[i]!)) mantissa = mantissa * 10 + bytes[i++]! - 0x30;
  if (i === intStart) return null;
  let decimals = 0;
  if (i < end) {
    if (bytes[i] !== DOT) return null;
    const fracStart = ++i;
    while (i < end && isDigit(bytes[i]!)) mantissa = mantissa * 10 + bytes[i++]! - 0x30;
    if (i === fracStart || i < end) return null;
    decimals = i - fracStart;
  }
  if (mantissa > Number.MAX_SAFE_INTEGER || decimals >= POW10.length) return Number(latin1(bytes, start, end));
  const value = decimals === 0 ? mantissa : mantissa / POW10[decimals]!;
  return negative ? -value : value;
}

/** How many decimal digits bytes[start, end) hold. */
export function countDigits(bytes: Uint8Array, start: number, end: number): number {
  let digits = 0;
  for (let i = start; i < end; i++) if (isDigit(bytes[i]!)) digits++;
  return digits;
}
