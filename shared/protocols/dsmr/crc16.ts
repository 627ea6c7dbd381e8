/**
 * CRC-16/ARC as DSMR 4+ uses it: polynomial 0x8005 reflected (0xA001), initial value 0, no final XOR,
 * computed over the telegram bytes from `/` through `!` inclusive.
 */
import { reflectedCrc16, reflectedCrc16Table } from '../crc16.ts';

const POLY = 0xa001;
export const crc16 = reflectedCrc16({ poly: POLY, init: 0, xorOut: 0 });
const TABLE = reflectedCrc16Table(POLY);
/**
 * Slicing by four: TABLES[k][v] is what byte v contributes when k more bytes follow it in the same step. The CRC is
 * linear, so four bytes fold in with four lookups and one dependent step instead of four.
 */
const TABLES = [TABLE];
for (let k = 1; k < 4; k++) {
  const previous = TABLES[k - 1]!;
  TABLES.push(previous.map((c) => (c >>> 8) ^ TABLE[c & 0xff]!));
}
const [T0, T1, T2, T3] = TABLES as [Uint16Array, Uint16Array, Uint16Array, Uint16Array];

/** `crc` carried on over bytes[start, end): the telegram scanner folds in each line as it finds its end. */
export function crc16Update(crc: number, bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const x = crc ^ bytes[i]! ^ (bytes[i + 1]! << 8);
    crc = T3[x & 0xff]! ^ T2[x >>> 8]! ^ T1[bytes[i + 2]!]! ^ T0[bytes[i + 3]!]!;
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ T0[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** The CRC as a telegram states it: four upper-case hex digits. */
export function formatCrc(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
