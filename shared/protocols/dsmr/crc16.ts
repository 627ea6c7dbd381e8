/**
 * CRC-16/ARC as DSMR 4+ uses it: polynomial 0x8005 reflected (0xA001), initial value 0, no final XOR,
 * computed over the telegram bytes from `/` through `!` inclusive.
 */
import { reflectedCrc16, reflectedCrc16Update } from '../crc16.ts';

const POLY = 0xa001;
export const crc16 = reflectedCrc16({ poly: POLY, init: 0, xorOut: 0 });
/** `crc` carried on over bytes[start, end): the telegram scanner folds in each line as it finds its end. */
export const crc16Update = reflectedCrc16Update(POLY);

/** The CRC as a telegram states it: four upper-case hex digits. */
export function formatCrc(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
