/** EN 13757-3 data headers: the long header of CI 0x72/0x76, the short header of CI 0x7A, the manufacturer code. */
import type { MbusDevice } from '../types.ts';
import { MEDIUM } from './tables.ts';
import { hex } from './values.ts';

export const LONG_HEADER_LENGTH = 12;
export const SHORT_HEADER_LENGTH = 4;

/** Three letters from the 15-bit FLAG code: each letter is 5 bits, 'A' = 1. */
export function manufacturerCode(m: number): string {
  return String.fromCharCode(((m >> 10) & 0x1f) + 64, ((m >> 5) & 0x1f) + 64, (m & 0x1f) + 64);
}

/** The inverse of manufacturerCode, for the encoder; letters outside A-Z are not representable. */
export function manufacturerNumber(code: string): number {
  const letters = code.toUpperCase().padEnd(3, '@').slice(0, 3);
  return Array.from(letters).reduce((m, c) => (m << 5) | ((c.charCodeAt(0) - 64) & 0x1f), 0);
}

export function mediumName(code: number): string {
  return MEDIUM[code] ?? 'Reserved';
}

/** Identification number: 8 BCD digits as printed on the meter (wildcard nibbles show as hex digits). */
export function identification(bytes: Uint8Array, bigEndian: boolean): string {
  return hex(bigEndian ? bytes : bytes.slice().reverse()).replace(/ /g, '');
}

/** The status byte as two hex digits, as `MbusDevice.status` gives it. */
export const statusText = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');

/** Long header: ID (4), manufacturer (2), version, medium, access number, status, signature (2). */
export function readLongHeader(b: Uint8Array, bigEndian: boolean): MbusDevice {
  const m = bigEndian ? (b[4]! << 8) | b[5]! : b[4]! | (b[5]! << 8);
  return {
    id: identification(b.subarray(0, 4), bigEndian),
    manufacturer: manufacturerCode(m),
    version: b[6]!,
    medium: mediumName(b[7]!),
    accessNumber: b[8]!,
    status: statusText(b[9]!),
  };
}

/** Short header: access number, status, signature (2). The wired link says nothing of the meter's identity. */
export function readShortHeader(b: Uint8Array): MbusDevice {
  return {
    id: '',
    manufacturer: '',
    version: 0,
    medium: '',
    accessNumber: b[0]!,
    status: statusText(b[1]!),
  };
}
