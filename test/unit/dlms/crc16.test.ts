import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16x25 } from '../../../shared/protocols/dlms/crc16.ts';

/** CRC-16/X.25 one bit at a time, straight from its definition: the reference for the table-driven one. */
function bitwise(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return (crc ^ 0xffff) & 0xffff;
}

describe('HDLC FCS (CRC-16/X.25)', () => {
  it('has the catalogue check value 0x906E', () => {
    expect(crc16x25(new TextEncoder().encode('123456789'))).toBe(0x906e);
  });

  it('equals the bit-at-a-time definition over any span of any bytes (four bytes a step and the rest)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length ? a % (bytes.length + 1) : 0;
        const end = start + (b % (bytes.length - start + 1));
        expect(crc16x25(bytes, start, end)).toBe(bitwise(bytes, start, end));
      }),
    );
  });
});
