/**
 * HDLC frames of IEC 62056-46 (frame format type 3): `7E | A<S><len:11> | dest | src | control | HCS | info | FCS | 7E`.
 * The length counts every byte between the flags; HCS and FCS are CRC-16/X.25, least significant byte first.
 * Addresses are 1, 2 or 4 bytes, each address ending at the byte whose least significant bit is 1.
 */
import { decodeError, type DecodeError } from '../types.ts';
import { crc16x25 } from './crc16.ts';

export const HDLC_FLAG = 0x7e;

/** What the link needs of a frame; its addresses and control field are checked, not kept. */
export interface HdlcFrame {
  /** The segmentation bit: more frames carry the rest of this information field. */
  segmented: boolean;
  info: Uint8Array;
}

export type HdlcParse =
  /** `total`: once the header checked out, the bytes from the opening flag the frame needs in all. */
  | { status: 'need-more'; total?: number }
  /** `consumed` stops before the closing flag, which may open the next frame. */
  | { status: 'frame'; frame: HdlcFrame; consumed: number }
  | { status: 'error'; error: DecodeError; consumed: number }
  /** Not a frame after all: skip the opening flag and look further. */
  | { status: 'garbage' };

const MIN_LENGTH = 7; // format(2) + dest(1) + src(1) + control(1) + FCS(2)

/** True when `bytes[at]` opens a type 3 frame (the format field's first nibble is 0xA). */
export function looksLikeHdlcStart(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === HDLC_FLAG && (at + 1 >= bytes.length || (bytes[at + 1]! & 0xf0) === 0xa0);
}

/** End of the address starting at `from`: null when it is invalid, 'more' while its bytes are still arriving. */
function addressEnd(bytes: Uint8Array, from: number, frameEnd: number): number | 'more' | null {
  for (let i = from; i < from + 4; i++) {
    if (i >= frameEnd) return null;
    if (i >= bytes.length) return 'more';
    if (bytes[i]! & 1) return i + 1;
  }
  return null;
}

const crcOk = (bytes: Uint8Array, start: number, end: number): boolean =>
  crc16x25(bytes, start, end) === (bytes[end]! | (bytes[end + 1]! << 8));

/** Parses the frame whose opening flag is at `start`. */
export function parseHdlcFrame(bytes: Uint8Array, start: number): HdlcParse {
  if (start + 3 > bytes.length) return { status: 'need-more' };
  const format = (bytes[start + 1]! << 8) | bytes[start + 2]!;
  const length = format & 0x7ff;
  if (format >> 12 !== 0xa || length < MIN_LENGTH) return { status: 'garbage' };
  const first = start + 1;
  const end = first + length; // index of the closing flag

  // The header (addresses, control, HCS) is checked as soon as it is in: a false start is dropped at once
  // instead of holding up the stream while waiting for the length it claims.
  const destEnd = addressEnd(bytes, first + 2, end);
  if (destEnd === null) return { status: 'garbage' };
  if (destEnd === 'more') return { status: 'need-more' };
  const srcEnd = addressEnd(bytes, destEnd, end);
  if (srcEnd === null) return { status: 'garbage' };
  if (srcEnd === 'more') return { status: 'need-more' };
  const headerEnd = srcEnd + 1;
  if (headerEnd + 2 > end) return { status: 'garbage' };
  const hasInfo = end - 2 > headerEnd;
  if (hasInfo) {
    if (headerEnd + 2 > bytes.length) return { status: 'need-more' };
    if (headerEnd + 2 > end - 2 || !crcOk(bytes, first, headerEnd)) return { status: 'garbage' };
  }
  if (end >= bytes.length) return { status: 'need-more', total: end + 1 - start };
  if (bytes[end] !== HDLC_FLAG) {
    const error = decodeError('truncated', `HDLC frame of ${length} bytes ended early: check the serial line`);
    return { status: 'error', error, consumed: 1 };
  }
  if (!crcOk(bytes, first, end - 2)) {
    const error = decodeError('crc', 'HDLC FCS mismatch: the frame was corrupted on the line and is dropped');
    return { status: 'error', error, consumed: end - start };
  }
  const frame: HdlcFrame = {
    segmented: (format & 0x0800) !== 0,
    info: hasInfo ? bytes.slice(headerEnd + 2, end - 2) : new Uint8Array(0),
  };
  return { status: 'frame', frame, consumed: end - start };
}
