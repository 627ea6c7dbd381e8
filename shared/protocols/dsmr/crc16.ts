/**
 * CRC-16/ARC as DSMR 4+ uses it: polynomial 0x8005 reflected (0xA001), initial value 0, no final XOR,
 * computed over the telegram bytes from `/` through `!` inclusive.
 */
import { reflectedCrc16, reflectedCrc16Table } from '../crc16.ts';

const POLY = 0xa001;
export const crc16 = reflectedCrc16({ poly: POLY, init: 0, xorOut: 0 });
/** For the telegram scanner, which updates the CRC byte by byte as it reads the lines. */
export const CRC16_TABLE = reflectedCrc16Table(POLY);

/** The CRC as a telegram states it: four upper-case hex digits. */
export function formatCrc(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
