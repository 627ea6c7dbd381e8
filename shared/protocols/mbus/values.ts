/**
 * EN 13757-3 data field codings (annex A types): binary integers (type B), BCD (type A, negative when the top
 * nibble is F), 32-bit real (type H), dates and times (types G, F, I, J), and LVAR variable-length data.
 * `bigEndian` serves CI 0x76/0x77 (mode 2: high byte first).
 */
import type { CivilTime } from '../../time.ts';

/** Bytes in the order of significance, most significant first. */
function significant(bytes: Uint8Array, bigEndian: boolean): Uint8Array {
  return bigEndian ? bytes : bytes.slice().reverse();
}

/** Integers of up to 6 bytes are exact as doubles: no BigInt needed. */
const MAX_EXACT_BYTES = 6;

/** Two's-complement (or unsigned) integer of 1 to 8 bytes; beyond 2^53 precision is lost, as with any JS number. */
export function readInt(bytes: Uint8Array, bigEndian = false, unsigned = false): number {
  const n = bytes.length;
  if (n === 0) return 0;
  if (n <= MAX_EXACT_BYTES) {
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 256 + bytes[bigEndian ? i : n - 1 - i]!;
    const range = 2 ** (8 * n);
    return !unsigned && value >= range / 2 ? value - range : value;
  }
  let value = 0n;
  for (const b of significant(bytes, bigEndian)) value = (value << 8n) | BigInt(b);
  return Number(unsigned ? value : BigInt.asIntN(n * 8, value));
}

/** Up to 15 digits accumulate exactly in a double; longer BCD goes through Number() for correct rounding. */
const MAX_EXACT_DIGITS = 15;

/**
 * BCD digits, most significant first; a top nibble of F marks a negative number. Meters signal errors with other
 * hex nibbles (A-F) in place of digits: such a value is no number, so it is returned as its digits, e.g. `DDDDEBBD`.
 */
export function readBcd(bytes: Uint8Array, bigEndian = false): number | string {
  const n = bytes.length;
  let value = 0;
  let negative = false;
  for (let i = 0; i < 2 * n; i++) {
    const byte = bytes[bigEndian ? i >> 1 : n - 1 - (i >> 1)]!;
    const nibble = i & 1 ? byte & 0x0f : byte >> 4;
    if (nibble > 9) {
      if (i !== 0 || nibble !== 0xf) return hexDigits(significant(bytes, bigEndian));
      negative = true;
      continue;
    }
    value = value * 10 + nibble;
  }
  if (2 * n > MAX_EXACT_DIGITS) value = Number(hexDigits(significant(bytes, bigEndian)).slice(negative ? 1 : 0));
  return negative ? -value : value;
}

export function readReal32(bytes: Uint8Array, bigEndian = false): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, !bigEndian);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Year from the split 7-bit field of types F, G and I, a year of the century: read 0..80 as 20xx, 81..99 as 19xx. */
function year(lowBits: number, highBits: number): number {
  const y = ((lowBits & 0xe0) >> 5) | ((highBits & 0xf0) >> 1);
  return y <= 80 ? 2000 + y : 1900 + y;
}

export interface CivilFields extends CivilTime {
  /** The meter flags the time as invalid (IV bit). */
  invalid: boolean;
}

/** Fields of type G (date), F (date and time to the minute) or I (to the second) by length; null otherwise. */
export function readDateFields(bytes: Uint8Array): CivilFields | null {
  const b = Array.from(bytes);
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0] = b;
  switch (b.length) {
    case 2: // G
      return { year: year(b0, b1), month: b1 & 0x0f, day: b0 & 0x1f, hour: 0, minute: 0, second: 0, invalid: false };
    case 4: // F
      return {
        year: year(b2, b3),
        month: b3 & 0x0f,
        day: b2 & 0x1f,
        hour: b1 & 0x1f,
        minute: b0 & 0x3f,
        second: 0,
        invalid: (b0 & 0x80) !== 0,
      };
    case 6: // I
      return {
        year: year(b3, b4),
        month: b4 & 0x0f,
        day: b3 & 0x1f,
        hour: b2 & 0x1f,
        minute: b1 & 0x3f,
        second: b0 & 0x3f,
        invalid: (b1 & 0x80) !== 0,
      };
    default:
      return null;
  }
}

/**
 * ISO 8601 text without a zone designator: meter clocks are local time and the frame does not say which zone.
 * Dates of type G render as `YYYY-MM-DD`; an all-zero date stays visible as `2000-00-00` ("no date"); a time the
 * meter flags invalid renders as ''.
 */
export function formatDate(bytes: Uint8Array): string | null {
  if (bytes.length === 3) {
    const [s = 0, m = 0, h = 0] = bytes;
    return `${pad(h & 0x1f)}:${pad(m & 0x3f)}:${pad(s & 0x3f)}`; // J
  }
  const f = readDateFields(bytes);
  if (!f) return null;
  if (f.invalid) return ''; // the meter says this time is not valid
  const date = `${f.year}-${pad(f.month)}-${pad(f.day)}`;
  return bytes.length === 2 ? date : `${date}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

/** Bytes as spaced upper-case hex in the given order, e.g. `00 01 75 13`. */
export function hex(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += i === 0 ? HEX[bytes[i]!] : ` ${HEX[bytes[i]!]}`;
  return text;
}

/** Bytes as upper-case hex digits without spaces. */
function hexDigits(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += HEX[b];
  return text;
}

/** Length in bytes of LVAR data that follows the LVAR byte, or null for reserved LVAR values. */
export function lvarLength(lvar: number): number | null {
  if (lvar <= 0xbf) return lvar; // ISO 8859-1 text
  if (lvar <= 0xc9) return lvar - 0xc0; // positive BCD, 2 digits per byte
  if (lvar >= 0xd0 && lvar <= 0xd9) return lvar - 0xd0; // negative BCD
  if (lvar >= 0xe0 && lvar <= 0xef) return lvar - 0xe0; // binary number
  if (lvar >= 0xf0 && lvar <= 0xf4) return 4 * (lvar - 0xec); // binary number, 16..64 bytes
  if (lvar === 0xf5) return 48;
  if (lvar === 0xf6) return 64;
  return null;
}

/**
 * LVAR data: text is sent last character first; BCD as numbers; binary numbers of up to 6 bytes as integers and
 * longer ones (keys, passwords) as hex, most significant byte first.
 */
export function readLvar(lvar: number, data: Uint8Array, bigEndian = false): number | string {
  if (lvar <= 0xbf) {
    const chars = significant(data, bigEndian);
    return String.fromCharCode(...chars)
      .replace(/\0/g, '')
      .trim();
  }
  if (lvar <= 0xd9) {
    const value = readBcd(data, bigEndian);
    return lvar >= 0xd0 && typeof value === 'number' ? -value : value;
  }
  if (lvar <= 0xef && data.length <= 6) return readInt(data, bigEndian);
  return hex(significant(data, bigEndian));
}
