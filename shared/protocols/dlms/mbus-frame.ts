/**
 * Wired M-Bus long frames (EN 13757-2): `68 L L 68 | C A CI data | CS 16`, L counting C through data, CS their sum.
 * DLMS/COSEM rides in frames whose CI is 0x00-0x1F: the low nibble is the segment's sequence number and 0x10
 * marks the final segment (Landis+Gyr E450 CII, Austrian P1 such as Netz NÖ); the CI is followed by the source
 * and destination transport SAPs, then the APDU segment.
 */
import { decodeError, type DecodeError } from '../types.ts';

export interface MbusSegment {
  control: number;
  address: number;
  sequence: number;
  final: boolean;
  data: Uint8Array;
}

export type MbusParse =
  /** `total`: once the header checked out, the bytes from the start the frame needs in all. */
  | { status: 'need-more'; total?: number }
  | { status: 'segment'; segment: MbusSegment; consumed: number }
  | { status: 'error'; error: DecodeError; consumed: number }
  | { status: 'garbage' };

const START = 0x68;
const STOP = 0x16;
const TSAP_BYTES = 2;

export function looksLikeMbusStart(bytes: Uint8Array, at: number): boolean {
  if (bytes[at] !== START) return false;
  if (at + 4 > bytes.length) return true; // cannot tell yet
  return bytes[at + 1] === bytes[at + 2] && bytes[at + 3] === START && bytes[at + 1]! >= 3;
}

export function parseMbusFrame(bytes: Uint8Array, start: number): MbusParse {
  if (start + 4 > bytes.length) return { status: 'need-more' };
  if (!looksLikeMbusStart(bytes, start)) return { status: 'garbage' };
  const length = bytes[start + 1]!;
  const total = length + 6;
  if (start + total > bytes.length) return { status: 'need-more', total };
  if (bytes[start + total - 1] !== STOP) return { status: 'garbage' };
  let sum = 0;
  for (let i = start + 4; i < start + 4 + length; i++) sum += bytes[i]!;
  if ((sum & 0xff) !== bytes[start + 4 + length]) {
    const error = decodeError('crc', 'M-Bus checksum mismatch: the frame was corrupted on the line and is dropped');
    return { status: 'error', error, consumed: total };
  }
  const ci = bytes[start + 6]!;
  if (ci > 0x1f) {
    const hex = ci.toString(16).padStart(2, '0');
    const error = decodeError(
      'unsupported',
      `M-Bus frame with CI 0x${hex} carries no DLMS/COSEM data: choose the M-Bus (EN 13757-3) decoder for this meter`,
    );
    return { status: 'error', error, consumed: total };
  }
  if (length < 3 + TSAP_BYTES) {
    return { status: 'error', error: decodeError('truncated', 'M-Bus DLMS segment without TSAPs'), consumed: total };
  }
  const segment: MbusSegment = {
    control: bytes[start + 4]!,
    address: bytes[start + 5]!,
    sequence: ci & 0x0f,
    final: (ci & 0x10) !== 0,
    data: bytes.slice(start + 7 + TSAP_BYTES, start + 4 + length),
  };
  return { status: 'segment', segment, consumed: total };
}
