import { describe, expect, it } from 'vitest';
import { crc16, encodeTelegram } from '../../../shared/protocols/dsmr/index.ts';
import { fixed } from '../../../shared/protocols/dsmr/encode.ts';

const text = (bytes: Uint8Array) => String.fromCharCode(...bytes);

describe('encodeTelegram', () => {
  const lines = [
    { obis: '1-3:0.2.8', groups: ['50'] },
    { obis: '0-1:24.2.1', groups: ['200426223001S', { value: '00246.138', unit: 'm3' }] },
  ];

  it('lays a telegram out as meters do: header, blank line, lines, ! and the CRC over / through !', () => {
    const bytes = encodeTelegram({ header: 'ISK5\\2M550T-1012', lines });
    const body = '/ISK5\\2M550T-1012\r\n\r\n1-3:0.2.8(50)\r\n0-1:24.2.1(200426223001S)(00246.138*m3)\r\n!';
    const crc = crc16(Uint8Array.from(body, (c) => c.charCodeAt(0)));
    expect(text(bytes)).toBe(`${body}${crc.toString(16).toUpperCase().padStart(4, '0')}\r\n`);
  });

  it('writes a bare ! or a given CRC on request, and verbatim lines as they are', () => {
    expect(text(encodeTelegram({ header: 'X', lines: ['(1)'], crc: 'none' }))).toBe('/X\r\n\r\n(1)\r\n!\r\n');
    expect(text(encodeTelegram({ header: 'X', lines: [], crc: 0xab }))).toBe('/X\r\n\r\n!00AB\r\n');
  });

  it('writes header bytes above 0x7F as single bytes', () => {
    expect(Array.from(encodeTelegram({ header: 'FLU5\u00ab1', lines: [], crc: 'none' }).subarray(0, 7))).toEqual([
      0x2f, 0x46, 0x4c, 0x55, 0x35, 0xab, 0x31,
    ]);
  });
});

describe('fixed', () => {
  it('pads the integer part and rounds to the decimals DSMR uses', () => {
    expect(fixed(4.426, 6, 3)).toBe('000004.426');
    expect(fixed(229.94, 3, 1)).toBe('229.9');
    expect(fixed(5, 5)).toBe('00005');
    expect(fixed(-1.5, 2, 1)).toBe('-01.5');
  });
});
