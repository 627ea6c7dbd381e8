/**
 * Builds EN 13757-2/-3 frames: long frames around a variable data structure (long header + data records), short
 * frames, and the date codings. For tests and the meter simulator; the inverse of the decoder's reading.
 */
import { manufacturerNumber } from './header.ts';
import { CI } from './application.ts';

export type DataCoding =
  | 'none'
  | 'int8'
  | 'int16'
  | 'int24'
  | 'int32'
  | 'int48'
  | 'int64'
  | 'real32'
  | 'bcd2'
  | 'bcd4'
  | 'bcd6'
  | 'bcd8'
  | 'bcd12'
  | 'text'
  | 'selection';

/** DIF coding nibble and data length per coding. */
const CODINGS: Record<DataCoding, readonly [nibble: number, length: number]> = {
  none: [0x0, 0],
  int8: [0x1, 1],
  int16: [0x2, 2],
  int24: [0x3, 3],
  int32: [0x4, 4],
  real32: [0x5, 4],
  int48: [0x6, 6],
  int64: [0x7, 8],
  selection: [0x8, 0],
  bcd2: [0x9, 1],
  bcd4: [0xa, 2],
  bcd6: [0xb, 3],
  bcd8: [0xc, 4],
  text: [0xd, -1],
  bcd12: [0xe, 6],
};

const FUNCTION_BITS = { instantaneous: 0, maximum: 1, minimum: 2, error: 3 } as const;

export interface RecordSpec {
  coding: DataCoding;
  /** Number for integer, real and BCD codings (negative BCD gets the F nibble); string for text. */
  value?: number | string;
  /** Raw data bytes instead of `value` (dates, binary LVAR including its LVAR byte, odd test data). */
  data?: ArrayLike<number>;
  function?: keyof typeof FUNCTION_BITS;
  storage?: number;
  tariff?: number;
  subunit?: number;
  /** VIF then VIFEs without extension bits, e.g. `[0x13]` (volume, litres) or `[0x7d, 0x17]` (error flags). */
  vib: readonly number[];
  /** The unit text of a plain-text VIF (`vib[0]` = 0x7C). */
  plainText?: string;
}

/** Little-endian two's complement of `length` bytes. */
function intBytes(value: number, length: number): number[] {
  let v = BigInt.asUintN(length * 8, BigInt(Math.trunc(value)));
  return Array.from({ length }, () => {
    const b = Number(v & 0xffn);
    v >>= 8n;
    return b;
  });
}

/** BCD, least significant byte first; negative numbers carry F in the top nibble. */
function bcdBytes(value: number, length: number): number[] {
  const digits = String(Math.abs(Math.trunc(value)))
    .padStart(length * 2, '0')
    .slice(-length * 2);
  const nibbles = Array.from(digits, Number);
  if (value < 0) nibbles[0] = 0xf;
  return Array.from({ length }, (_, i) => (nibbles[2 * (length - 1 - i)]! << 4) | nibbles[2 * (length - 1 - i) + 1]!);
}

function dataBytes(spec: RecordSpec): number[] {
  if (spec.data) return Array.from(spec.data);
  const [nibble, length] = CODINGS[spec.coding];
  const value = spec.value ?? 0;
  if (spec.coding === 'text') {
    const text = String(value);
    return [text.length, ...Array.from(text, (c) => c.charCodeAt(0) & 0xff).reverse()];
  }
  if (spec.coding === 'real32') {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setFloat32(0, Number(value), true);
    return Array.from(out);
  }
  return nibble >= 0x9 ? bcdBytes(Number(value), length) : intBytes(Number(value), length);
}

/** Sets the extension bit on every byte but the last. */
const chain = (codes: readonly number[]) => codes.map((c, i) => (c & 0x7f) | (i < codes.length - 1 ? 0x80 : 0));

export function encodeRecord(spec: RecordSpec): Uint8Array {
  const storage = spec.storage ?? 0;
  const tariff = spec.tariff ?? 0;
  const subunit = spec.subunit ?? 0;
  // DIFE i carries storage bits 1+4i.., tariff bits 2i.., subunit bit i.
  const difes: number[] = [];
  for (let i = 0; storage >> (1 + 4 * i) || tariff >> (2 * i) || subunit >> i; i++) {
    difes.push(((storage >> (1 + 4 * i)) & 0x0f) | (((tariff >> (2 * i)) & 0x03) << 4) | (((subunit >> i) & 1) << 6));
  }
  const dif = CODINGS[spec.coding][0] | (FUNCTION_BITS[spec.function ?? 'instantaneous'] << 4) | ((storage & 1) << 6);
  const vib = chain(spec.vib);
  if (spec.plainText !== undefined) {
    const text = Array.from(spec.plainText, (c) => c.charCodeAt(0) & 0xff).reverse();
    vib.splice(1, 0, text.length, ...text);
  }
  return Uint8Array.from([...chain([dif, ...difes]), ...vib, ...dataBytes(spec)]);
}

export interface HeaderSpec {
  /** Identification number, up to 8 decimal digits. */
  id: string;
  manufacturer: string;
  version: number;
  /** Device type byte, e.g. 0x04 heat (outlet), 0x07 water. */
  medium: number;
  accessNumber: number;
  status?: number;
  signature?: number;
}

/** The 12-byte long header; `bigEndian` for CI 0x76 (mode 2). */
export function encodeLongHeader(h: HeaderSpec, bigEndian = false): Uint8Array {
  const id = h.id.padStart(8, '0');
  const idBytes = [0, 2, 4, 6].map((i) => parseInt(id.slice(i, i + 2), 16)).reverse();
  const m = manufacturerNumber(h.manufacturer);
  const sig = h.signature ?? 0;
  const order = (bytes: number[]) => (bigEndian ? bytes.reverse() : bytes);
  return Uint8Array.from([
    ...order(idBytes),
    ...order([m & 0xff, m >> 8]),
    h.version,
    h.medium,
    h.accessNumber,
    h.status ?? 0,
    ...order([sig & 0xff, sig >> 8]),
  ]);
}

/** The arithmetic checksum over C, A, CI and data. */
const sum = (bytes: ArrayLike<number>) => Array.from(bytes).reduce((s, b) => (s + b) & 0xff, 0);

export interface LongFrameSpec {
  /** C field; 0x08 is RSP_UD. */
  control?: number;
  address?: number;
  ci: number;
  body: ArrayLike<number>;
}

export function encodeLongFrame(f: LongFrameSpec): Uint8Array {
  const user = [f.control ?? 0x08, f.address ?? 0, f.ci, ...Array.from(f.body)];
  if (user.length > 255)
    throw new RangeError(`an M-Bus long frame holds at most 252 data bytes, got ${user.length - 3}`);
  return Uint8Array.from([0x68, user.length, user.length, 0x68, ...user, sum(user), 0x16]);
}

export function encodeShortFrame(control: number, address: number): Uint8Array {
  return Uint8Array.from([0x10, control, address, sum([control, address]), 0x16]);
}

export interface VariableDataSpec {
  header: HeaderSpec;
  records: readonly RecordSpec[];
  /** Bytes after the records, e.g. `[0x0f, …]` manufacturer data or `[0x1f]` more records follow. */
  trailer?: ArrayLike<number>;
  address?: number;
}

/** An RSP_UD long frame with CI 0x72: long header, records, optional trailer. */
export function encodeVariableDataFrame(spec: VariableDataSpec): Uint8Array {
  const body = [
    ...encodeLongHeader(spec.header),
    ...spec.records.flatMap((r) => Array.from(encodeRecord(r))),
    ...Array.from(spec.trailer ?? []),
  ];
  return encodeLongFrame({ address: spec.address ?? 0, ci: CI.variableLong, body });
}

export interface DateTimeSpec {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  /** Sets the IV bit: the meter says its clock is not valid. */
  invalid?: boolean;
}

/** Year split over the 7-bit field: low 3 bits into bits 5-7 of the day byte, high 4 into bits 4-7 of the month byte. */
function splitYear(year: number): [dayBits: number, monthBits: number] {
  const y = year % 100;
  return [(y & 0x07) << 5, (y & 0x78) << 1];
}

/** Type G: date, 2 bytes. */
export function encodeDateG(d: DateTimeSpec): Uint8Array {
  const [dayBits, monthBits] = splitYear(d.year);
  return Uint8Array.from([dayBits | d.day, monthBits | d.month]);
}

/** Type F: date and time to the minute, 4 bytes. */
export function encodeDateF(d: DateTimeSpec): Uint8Array {
  const [dayBits, monthBits] = splitYear(d.year);
  return Uint8Array.from([(d.minute ?? 0) | (d.invalid ? 0x80 : 0), d.hour ?? 0, dayBits | d.day, monthBits | d.month]);
}

/** Type I: date and time to the second, 6 bytes (day-of-week and week left 0). */
export function encodeDateI(d: DateTimeSpec): Uint8Array {
  const [dayBits, monthBits] = splitYear(d.year);
  return Uint8Array.from([
    d.second ?? 0,
    (d.minute ?? 0) | (d.invalid ? 0x80 : 0),
    d.hour ?? 0,
    dayBits | d.day,
    monthBits | d.month,
    0,
  ]);
}
