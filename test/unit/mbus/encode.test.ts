import { describe, expect, it } from 'vitest';
import {
  encodeDateF,
  encodeDateG,
  encodeLongHeader,
  encodeRecord,
  encodeShortFrame,
  encodeVariableDataFrame,
} from '../../../shared/protocols/mbus/encode.ts';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

describe('M-Bus encoder (checked against bytes written from EN 13757-2/-3)', () => {
  it('builds a REQ_UD2 short frame: 10 5B 01 5C 16', () => {
    expect(hex(encodeShortFrame(0x5b, 0x01))).toBe('10 5b 01 5c 16');
  });

  it('builds the long header: ID BCD low byte first, FLAG code KAM = 0x2C2D', () => {
    const h = encodeLongHeader({
      id: '12345678',
      manufacturer: 'KAM',
      version: 1,
      medium: 7,
      accessNumber: 5,
      status: 0,
    });
    expect(hex(h)).toBe('78 56 34 12 2d 2c 01 07 05 00 00 00');
  });

  it('builds records: DIF with function and storage bit, DIFE chain, VIF/VIFE extension bits', () => {
    expect(hex(encodeRecord({ coding: 'bcd8', vib: [0x13], value: 12345 }))).toBe('0c 13 45 23 01 00');
    expect(hex(encodeRecord({ coding: 'int16', vib: [0x2b], value: -2, function: 'maximum', storage: 1 }))).toBe(
      '52 2b fe ff',
    );
    expect(hex(encodeRecord({ coding: 'int8', vib: [0x03], value: 1, storage: 2, tariff: 1, subunit: 1 }))).toBe(
      '81 51 03 01',
    );
    expect(hex(encodeRecord({ coding: 'int8', vib: [0x7d, 0x17], value: 0 }))).toBe('01 fd 17 00');
    expect(hex(encodeRecord({ coding: 'int16', vib: [0x7c, 0x74], plainText: '%RH', value: 1 }))).toBe(
      '02 fc 03 48 52 25 74 01 00',
    );
    expect(hex(encodeRecord({ coding: 'text', vib: [0x7d, 0x10], value: 'AB' }))).toBe('0d fd 10 02 42 41');
  });

  it('builds dates of type G and F', () => {
    expect(hex(encodeDateG({ year: 2014, month: 3, day: 13 }))).toBe('cd 13');
    expect(hex(encodeDateF({ year: 2014, month: 3, day: 13, hour: 14, minute: 26 }))).toBe('1a 0e cd 13');
  });

  it('wraps a variable data structure in a long frame with length, checksum and stop byte', () => {
    const frame = encodeVariableDataFrame({
      header: { id: '1', manufacturer: 'AAA', version: 0, medium: 0, accessNumber: 0 },
      records: [],
      trailer: [0x1f],
      address: 0xfe,
    });
    // L = C + A + CI + 12 header bytes + 1 = 16; checksum = 08+FE+72+01+04+21+1F mod 256
    expect(hex(frame)).toBe('68 10 10 68 08 fe 72 01 00 00 00 21 04 00 00 00 00 00 00 1f bd 16');
  });
});
