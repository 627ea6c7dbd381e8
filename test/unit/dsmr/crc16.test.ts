import { describe, expect, it } from 'vitest';
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
});
