import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16Update } from '../../../shared/protocols/dsmr/crc16.ts';
import { crc16 } from '../../../shared/protocols/dsmr/index.ts';
import { ascii } from './fixtures.ts';

describe('crc16 (CRC-16/ARC)', () => {
  it('gives the catalogue check value for "123456789"', () => {
    expect(crc16(ascii('123456789'))).toBe(0xbb3d);
  });

  it('is 0 for no bytes and honours the range it is given', () => {
    expect(crc16(new Uint8Array(0))).toBe(0);
    expect(crc16(ascii('xx123456789yy'), 2, 11)).toBe(0xbb3d);
  });

  it('gives the same CRC when carried on piece by piece, four bytes a step (as the telegram scanner takes lines)', () => {
    expect(crc16Update(0, ascii('123456789'), 0, 9)).toBe(0xbb3d);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat()), (bytes, cuts) => {
        const ends = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let crc = 0;
        let from = 0;
        for (const end of [...ends, bytes.length]) {
          crc = crc16Update(crc, bytes, from, end);
          from = end;
        }
        expect(crc).toBe(crc16(bytes));
      }),
    );
  });
});
