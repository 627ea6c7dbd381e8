/**
 * Where tagged A-XDR data ends, found by stepping over tags and lengths as bytes arrive. A bare APDU has no length
 * field: parsing it whole after every byte of a slow serial line cost time quadratic in its size. This keeps where it
 * stopped and how many items are still open at each level, and builds no values; the full parse runs once, when the
 * data is complete.
 */
import { TAG } from './axdr.ts';

/** Value bytes after the tag of each fixed-size type. */
const FIXED_SIZE: ReadonlyMap<number, number> = new Map([
  [TAG.null, 0],
  [TAG.boolean, 1],
  [TAG.doubleLong, 4],
  [TAG.doubleLongUnsigned, 4],
  [TAG.bcd, 1],
  [TAG.integer, 1],
  [TAG.long, 2],
  [TAG.unsigned, 1],
  [TAG.longUnsigned, 2],
  [TAG.long64, 8],
  [TAG.long64Unsigned, 8],
  [TAG.enum, 1],
  [TAG.float32, 4],
  [TAG.float64, 8],
  [TAG.dateTime, 12],
  [TAG.date, 5],
  [TAG.time, 4],
]);
const STRINGS: ReadonlySet<number> = new Set([TAG.octetString, TAG.visibleString, TAG.utf8String]);
/** As deep as the parser reads before it calls the data malformed. */
const MAX_DEPTH = 16;
/** The Czech dialect's untagged attribute descriptor: class-id (2), logical name (6), attribute (1). */
const DESCRIPTOR_SIZE = 9;

/**
 * What `advance` says besides the end offset: more bytes needed; data the parser never accepts (an unknown tag, a
 * bad length form); or data it cannot judge without the parser (compact arrays, deep nesting).
 */
export const NEED_MORE = -1;
export const INVALID = -2;
export const NOT_PLAIN = -3;

export class AxdrExtent {
  /** Items still to come in each array or structure that is open, innermost last. */
  private readonly open: number[] = [];
  /** Where a descriptor may stand: the first item of a two-item structure, in the Czech dialect; else -1. */
  private descriptorAt = -1;

  /** `descriptors`: read as the parser's Czech dialect does (AxdrOptions.descriptors). */
  constructor(
    private pos: number,
    private readonly descriptors = false,
  ) {}

  /** The answer once it is no longer NEED_MORE: it stays. */
  private settled = NEED_MORE;

  /** Steps over what `bytes` (the same data, grown since the last call) hold beyond where the last call stopped. */
  advance(bytes: Uint8Array): number {
    if (this.settled === NEED_MORE) this.settled = this.step(bytes);
    return this.settled;
  }

  private step(bytes: Uint8Array): number {
    for (;;) {
      const at = this.pos;
      if (at >= bytes.length) return NEED_MORE;
      const tag = bytes[at]!;
      const fixed = this.descriptorAt === at && tag === 0 ? DESCRIPTOR_SIZE - 1 : FIXED_SIZE.get(tag);
      if (fixed !== undefined) {
        if (at + 1 + fixed > bytes.length) return NEED_MORE;
        this.descriptorAt = -1;
        this.pos = at + 1 + fixed;
      } else {
        const container = tag === TAG.array || tag === TAG.structure;
        if (tag === TAG.compactArray) return NOT_PLAIN;
        if (!container && !STRINGS.has(tag) && tag !== TAG.bitString) return INVALID;
        const length = readLength(bytes, at + 1);
        if (typeof length === 'number') return length;
        const [count, lengthBytes] = length;
        const body = at + 1 + lengthBytes;
        if (container) {
          if (this.open.length >= MAX_DEPTH) return NOT_PLAIN;
          this.pos = body;
          if (this.descriptors && tag === TAG.structure && count === 2) this.descriptorAt = body;
          if (count > 0) {
            this.open.push(count);
            continue;
          }
        } else {
          const size = tag === TAG.bitString ? Math.ceil(count / 8) : count;
          if (body + size > bytes.length) return NEED_MORE;
          this.pos = body + size;
        }
      }
      if (this.closeItem()) return this.pos;
    }
  }

  /** One item is complete; true when that completes the data itself. */
  private closeItem(): boolean {
    while (this.open.length > 0) {
      const top = this.open.length - 1;
      if (--this.open[top]! > 0) return false;
      this.open.pop();
    }
    return true;
  }
}

/** A-XDR length at `at`: one byte below 0x80, else 0x8N and N (1..3) big-endian bytes; [value, bytes it took]. */
function readLength(bytes: Uint8Array, at: number): [number, number] | typeof NEED_MORE | typeof INVALID {
  if (at >= bytes.length) return NEED_MORE;
  const first = bytes[at]!;
  if (first < 0x80) return [first, 1];
  const n = first & 0x7f;
  if (n === 0 || n > 3) return INVALID;
  if (at + 1 + n > bytes.length) return NEED_MORE;
  let value = 0;
  for (let i = 1; i <= n; i++) value = value * 256 + bytes[at + i]!;
  return [value, 1 + n];
}
