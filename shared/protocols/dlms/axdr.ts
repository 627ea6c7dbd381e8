/**
 * A-XDR decoding of COSEM `Data` (IEC 62056-6-2 data types, encoded per IEC 61334-6): a tag byte, then the value.
 * Every length is checked against the bytes at hand (→ `truncated`), nesting is bounded (→ `syntax`).
 */
import { decodeError, type DecodeError } from '../types.ts';

export const TAG = {
  null: 0,
  array: 1,
  structure: 2,
  boolean: 3,
  bitString: 4,
  doubleLong: 5,
  doubleLongUnsigned: 6,
  octetString: 9,
  visibleString: 10,
  utf8String: 12,
  bcd: 13,
  integer: 15,
  long: 16,
  unsigned: 17,
  longUnsigned: 18,
  compactArray: 19,
  long64: 20,
  long64Unsigned: 21,
  enum: 22,
  float32: 23,
  float64: 24,
  dateTime: 25,
  date: 26,
  time: 27,
} as const;

export type NumberType =
  | 'bcd'
  | 'integer'
  | 'long'
  | 'unsigned'
  | 'long-unsigned'
  | 'double-long'
  | 'double-long-unsigned'
  | 'long64'
  | 'long64-unsigned'
  | 'enum'
  | 'float32'
  | 'float64';

export type DlmsData =
  | { type: 'null' }
  | { type: 'array' | 'structure'; items: DlmsData[] }
  | { type: 'boolean'; value: boolean }
  | { type: 'bit-string'; value: string }
  | { type: 'octet-string'; value: Uint8Array }
  | { type: 'visible-string' | 'utf8-string'; value: string }
  | { type: NumberType; value: number | bigint }
  | { type: 'date-time' | 'date' | 'time'; value: Uint8Array }
  /** Czech (EG.D, Sagemcom XT211) pushes: an untagged `class-id, logical name, attribute` before each value. */
  | { type: 'descriptor'; classId: number; obis: Uint8Array; attribute: number };

export interface AxdrOptions {
  /** Read a 2-element structure that starts with an untagged attribute descriptor (the Czech dialect). */
  descriptors?: boolean;
}

export type AxdrResult = { ok: true; value: DlmsData; end: number } | { ok: false; error: DecodeError };

const MAX_DEPTH = 16;

/** Thrown inside the reader and caught in readAxdr; not an Error, so that no stack trace is captured per failure. */
class AxdrFailure {
  constructor(readonly error: DecodeError) {}
}

/** Compact-array type description: a tag, with element/field descriptions for arrays and structures. */
type TypeDescription = { tag: number; count?: number; element?: TypeDescription; fields?: TypeDescription[] };

const FIXED_TYPES: Readonly<Record<number, { type: NumberType; size: number }>> = {
  [TAG.doubleLong]: { type: 'double-long', size: 4 },
  [TAG.doubleLongUnsigned]: { type: 'double-long-unsigned', size: 4 },
  [TAG.bcd]: { type: 'bcd', size: 1 },
  [TAG.integer]: { type: 'integer', size: 1 },
  [TAG.long]: { type: 'long', size: 2 },
  [TAG.unsigned]: { type: 'unsigned', size: 1 },
  [TAG.longUnsigned]: { type: 'long-unsigned', size: 2 },
  [TAG.long64]: { type: 'long64', size: 8 },
  [TAG.long64Unsigned]: { type: 'long64-unsigned', size: 8 },
  [TAG.enum]: { type: 'enum', size: 1 },
  [TAG.float32]: { type: 'float32', size: 4 },
  [TAG.float64]: { type: 'float64', size: 8 },
};

const TIME_TYPES: Readonly<Record<number, { type: 'date-time' | 'date' | 'time'; size: number }>> = {
  [TAG.dateTime]: { type: 'date-time', size: 12 },
  [TAG.date]: { type: 'date', size: 5 },
  [TAG.time]: { type: 'time', size: 4 },
};

export class AxdrReader {
  private readonly view: DataView;
  pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    offset = 0,
    private readonly options: AxdrOptions = {},
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = offset;
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  fail(kind: 'truncated' | 'syntax', message: string): never {
    throw new AxdrFailure(decodeError(kind, message));
  }

  need(n: number, what: string): void {
    if (n > this.remaining) {
      this.fail('truncated', `${what} needs ${n} bytes but only ${this.remaining} arrived: the frame is cut short`);
    }
  }

  u8(what = 'value'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(what = 'value'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what = 'value'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A-XDR length: one byte below 0x80, else 0x8N followed by N big-endian bytes. */
  length(what: string): number {
    const first = this.u8(`length of ${what}`);
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0 || n > 3) this.fail('syntax', `invalid length form 0x${first.toString(16)} for ${what}`);
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + this.u8(`length of ${what}`);
    return len;
  }

  /** An element count: each element takes at least one byte, so a count beyond the rest is a cut-short frame. */
  private count(what: string, minSize: number): number {
    const n = this.length(what);
    if (n * minSize > this.remaining) {
      this.fail('truncated', `${what} announces ${n} elements but only ${this.remaining} bytes follow`);
    }
    return n;
  }

  data(depth = 0): DlmsData {
    if (depth > MAX_DEPTH) this.fail('syntax', `data nested deeper than ${MAX_DEPTH} levels`);
    const tag = this.u8('data tag');
    switch (tag) {
      case TAG.null:
        return { type: 'null' };
      case TAG.array:
      case TAG.structure: {
        const type = tag === TAG.array ? 'array' : 'structure';
        const n = this.count(type, 1);
        const items: DlmsData[] = [];
        for (let i = 0; i < n; i++) {
          if (type === 'structure' && n === 2 && i === 0 && this.options.descriptors && this.bytes[this.pos] === 0) {
            items.push(this.descriptor());
          } else {
            items.push(this.data(depth + 1));
          }
        }
        return { type, items };
      }
      case TAG.compactArray:
        return this.compactArray(depth);
      default:
        return this.simple(tag);
    }
  }

  private descriptor(): DlmsData {
    const classId = this.u16('class-id');
    const obis = this.take(6, 'logical name');
    const attribute = this.u8('attribute');
    return { type: 'descriptor', classId, obis, attribute };
  }

  /** Values of every type that is neither array nor structure; shared by tagged data and compact arrays. */
  private simple(tag: number): DlmsData {
    const fixed = FIXED_TYPES[tag];
    if (fixed) return { type: fixed.type, value: this.fixedNumber(fixed.type, fixed.size) };
    const time = TIME_TYPES[tag];
    if (time) return { type: time.type, value: this.take(time.size, time.type) };
    switch (tag) {
      case TAG.null:
        return { type: 'null' };
      case TAG.boolean:
        return { type: 'boolean', value: this.u8('boolean') !== 0 };
      case TAG.bitString: {
        const bits = this.length('bit-string');
        const bytes = this.take(Math.ceil(bits / 8), 'bit-string');
        let value = '';
        for (let i = 0; i < bits; i++) value += (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
        return { type: 'bit-string', value };
      }
      case TAG.octetString:
        return { type: 'octet-string', value: this.take(this.length('octet-string'), 'octet-string') };
      case TAG.visibleString:
      case TAG.utf8String: {
        const type = tag === TAG.visibleString ? 'visible-string' : 'utf8-string';
        const raw = this.take(this.length(type), type);
        return { type, value: new TextDecoder(type === 'visible-string' ? 'latin1' : 'utf-8').decode(raw) };
      }
      default:
        return this.fail('syntax', `unknown A-XDR data tag 0x${tag.toString(16).padStart(2, '0')}`);
    }
  }

  private fixedNumber(type: NumberType, size: number): number | bigint {
    this.need(size, type);
    const at = this.pos;
    this.pos += size;
    const v = this.view;
    switch (type) {
      case 'integer':
        return v.getInt8(at);
      case 'long':
        return v.getInt16(at);
      case 'long-unsigned':
        return v.getUint16(at);
      case 'double-long':
        return v.getInt32(at);
      case 'double-long-unsigned':
        return v.getUint32(at);
      case 'long64':
        return safeNumber(v.getBigInt64(at));
      case 'long64-unsigned':
        return safeNumber(v.getBigUint64(at));
      case 'float32':
        return v.getFloat32(at);
      case 'float64':
        return v.getFloat64(at);
      default:
        return v.getUint8(at); // bcd, unsigned, enum
    }
  }

  private typeDescription(depth: number): TypeDescription {
    if (depth > MAX_DEPTH) this.fail('syntax', `compact-array type nested deeper than ${MAX_DEPTH} levels`);
    const tag = this.u8('compact-array type');
    if (tag === TAG.array)
      return { tag, count: this.u16('compact-array count'), element: this.typeDescription(depth + 1) };
    if (tag === TAG.structure) {
      const n = this.count('compact-array structure', 1);
      const fields: TypeDescription[] = [];
      for (let i = 0; i < n; i++) fields.push(this.typeDescription(depth + 1));
      return { tag, fields };
    }
    if (tag === TAG.compactArray) this.fail('syntax', 'compact-array inside a compact-array description');
    return { tag };
  }

  private untagged(description: TypeDescription, depth: number): DlmsData {
    if (depth > MAX_DEPTH) this.fail('syntax', `data nested deeper than ${MAX_DEPTH} levels`);
    if (description.tag === TAG.array) {
      const items: DlmsData[] = [];
      for (let i = 0; i < description.count!; i++) items.push(this.untagged(description.element!, depth + 1));
      return { type: 'array', items };
    }
    if (description.tag === TAG.structure) {
      return { type: 'structure', items: description.fields!.map((f) => this.untagged(f, depth + 1)) };
    }
    return this.simple(description.tag);
  }

  private compactArray(depth: number): DlmsData {
    const description = this.typeDescription(depth + 1);
    const size = this.length('compact-array contents');
    this.need(size, 'compact-array contents');
    const end = this.pos + size;
    const items: DlmsData[] = [];
    while (this.pos < end) {
      const before = this.pos;
      items.push(this.untagged(description, depth + 1));
      if (this.pos === before) break; // elements of size 0 (null-data) cannot fill the contents
    }
    if (this.pos !== end) this.fail('syntax', 'compact-array contents do not end on an element boundary');
    return { type: 'array', items };
  }
}

function safeNumber(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Runs `read` on a reader; A-XDR failures become typed errors instead of exceptions. */
export function readAxdr<T>(
  bytes: Uint8Array,
  offset: number,
  options: AxdrOptions,
  read: (r: AxdrReader) => T,
): { ok: true; value: T; end: number } | { ok: false; error: DecodeError } {
  const reader = new AxdrReader(bytes, offset, options);
  try {
    const value = read(reader);
    return { ok: true, value, end: reader.pos };
  } catch (e) {
    if (e instanceof AxdrFailure) return { ok: false, error: e.error };
    throw e;
  }
}

export function decodeData(bytes: Uint8Array, offset = 0, options: AxdrOptions = {}): AxdrResult {
  return readAxdr(bytes, offset, options, (r) => r.data());
}
