/**
 * EN 13757-4 data link layer: the frame formats A and B with their block CRCs, and the link header (L, C, M, A).
 * Frames leave this file as "plain" frames, as USB sticks without CRCs hand them over: L, then L bytes, no CRCs.
 */
import { concat } from '../dlms/sequence.ts';
import { crcMatches, wmbusCrc } from './crc.ts';

/** L, C, M (2) and A (6): the first block of both formats. */
export const FIRST_BLOCK = 10;
/** Format A: every block after the first holds up to 16 data bytes. */
const BLOCK_A = 16;
/** Format B: the second block holds up to 118 bytes including its CRC; the rest goes into a third block. */
const BLOCK_B2_END = 128;
/** The smallest L: C, M, A and a CI field. */
export const MIN_L = 10;

/**
 * The C-fields of EN 13757-4 (function codes with their FCB/FCV or ACD/DFC bits): what meters send (SND_NR, SND_IR,
 * ACC_NR, ACC_DMD, RSP_UD, ACK, CNF_IR) and what other devices send them. In a stream without CRCs, a length byte
 * followed by anything else is not a frame start: the framer moves on by a byte to find one.
 */
const C_FIELDS = new Set([
  ...[0x00, 0x06, 0x08].flatMap((c) => [c, c | 0x10, c | 0x20, c | 0x30]),
  ...[0x40, 0x43, 0x44, 0x46, 0x47, 0x48, 0x53, 0x5a, 0x5b].flatMap((c) => [c, c | 0x20]),
]);

export function isControlField(c: number): boolean {
  return C_FIELDS.has(c);
}

export type LinkFormat = 'A' | 'B' | 'none';

/** Bytes on the air for a format A frame with this L (which counts neither itself nor the CRCs). */
export function formatALength(l: number): number {
  const rest = l + 1 - FIRST_BLOCK;
  return FIRST_BLOCK + 2 + rest + 2 * Math.ceil(rest / BLOCK_A);
}

/** The plain frame of a format A frame (`frame` holds exactly formatALength(L) bytes), or null when a CRC fails. */
export function stripFormatA(frame: Uint8Array): Uint8Array | null {
  const l = frame[0]!;
  const plain = new Uint8Array(l + 1);
  if (!crcMatches(frame, 0, FIRST_BLOCK)) return null;
  plain.set(frame.subarray(0, FIRST_BLOCK));
  let from = FIRST_BLOCK + 2;
  for (let to = FIRST_BLOCK; to < plain.length;) {
    const n = Math.min(BLOCK_A, plain.length - to);
    if (!crcMatches(frame, from, from + n)) return null;
    plain.set(frame.subarray(from, from + n), to);
    to += n;
    from += n + 2;
  }
  return plain;
}

/** The plain frame of a format B frame (L counts the CRCs: `frame` holds L + 1 bytes), or null when a CRC fails. */
export function stripFormatB(frame: Uint8Array): Uint8Array | null {
  const total = frame.length;
  if (total < FIRST_BLOCK + 3) return null;
  const secondEnd = Math.min(total, BLOCK_B2_END);
  if (!crcMatches(frame, 0, secondEnd - 2)) return null;
  const parts = [frame.subarray(0, secondEnd - 2)];
  if (total > BLOCK_B2_END) {
    if (total < BLOCK_B2_END + 3 || !crcMatches(frame, BLOCK_B2_END, total - 2)) return null;
    parts.push(frame.subarray(BLOCK_B2_END, total - 2));
  }
  const plain = concat(parts);
  plain[0] = plain.length - 1;
  return plain;
}

/** Adds the CRCs of `format` to a plain frame (for the encoder; L is rewritten for format B). */
export function addCrcs(plain: Uint8Array, format: 'A' | 'B'): Uint8Array {
  const out: number[] = [];
  const pushCrc = (bytes: ArrayLike<number>) => {
    const crc = wmbusCrc(Uint8Array.from(bytes as ArrayLike<number>));
    out.push(crc >>> 8, crc & 0xff);
  };
  if (format === 'A') {
    for (let from = 0; from < plain.length;) {
      const to = from === 0 ? FIRST_BLOCK : Math.min(plain.length, from + BLOCK_A);
      const block = plain.subarray(from, to);
      out.push(...block);
      pushCrc(block);
      from = to;
    }
    return Uint8Array.from(out);
  }
  const data = plain.length - 1;
  const withCrcs = data + 2 + (plain.length > BLOCK_B2_END - 2 ? 2 : 0);
  const head = Uint8Array.from(plain);
  head[0] = withCrcs;
  const secondEnd = Math.min(head.length, BLOCK_B2_END - 2);
  out.push(...head.subarray(0, secondEnd));
  pushCrc(head.subarray(0, secondEnd));
  if (head.length > secondEnd) {
    out.push(...head.subarray(secondEnd));
    pushCrc(head.subarray(secondEnd));
  }
  return Uint8Array.from(out);
}

/** The link header of a plain frame. */
export interface LinkHeader {
  control: number;
  /** The manufacturer (M) and address (A: ID, version, device type) fields as sent: 8 bytes. */
  address: Uint8Array;
  ci: number;
}

export function readLinkHeader(plain: Uint8Array): LinkHeader {
  return { control: plain[1]!, address: plain.subarray(2, FIRST_BLOCK), ci: plain[FIRST_BLOCK]! };
}
