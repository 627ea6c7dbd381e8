/**
 * CRC-16/X.25 (IEC 62056-46 HCS and FCS): reflected polynomial 0x1021, init 0xFFFF, final XOR 0xFFFF.
 * On the wire the result is sent least significant byte first.
 */
import { reflectedCrc16 } from '../crc16.ts';

export const crc16x25 = reflectedCrc16({ poly: 0x8408, init: 0xffff, xorOut: 0xffff });
