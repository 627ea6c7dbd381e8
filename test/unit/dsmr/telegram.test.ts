import { describe, expect, it } from 'vitest';
import { crc16, encodeTelegram, parseTelegram } from '../../../shared/protocols/dsmr/index.ts';
import type { DecodeOutput, ObisMessage, ObisValue } from '../../../shared/protocols/types.ts';
import { AM550_SERIAL, CLOCK, GAS_SERIAL, am550Spec, am550Telegram, ascii } from './fixtures.ts';

function message(out: DecodeOutput): ObisMessage {
  if (!out.ok) throw new Error(`${out.error.kind}: ${out.error.message}`);
  return out.message as ObisMessage;
}

function values(out: DecodeOutput, obis: string): ObisValue[] {
  return message(out).values.filter((v) => v.obis === obis);
}

describe('parseTelegram', () => {
  const decoded = parseTelegram(am550Telegram());

  it('reads registers as numbers in the units the meter states', () => {
    expect(values(decoded, '1-0:1.8.1')).toEqual([{ obis: '1-0:1.8.1', value: 2130.115, unit: 'kWh' }]);
    expect(values(decoded, '1-0:1.7.0')).toEqual([{ obis: '1-0:1.7.0', value: 0.111, unit: 'kW' }]);
    expect(values(decoded, '1-0:32.7.0')).toEqual([{ obis: '1-0:32.7.0', value: 229.9, unit: 'V' }]);
    expect(values(decoded, '0-0:96.7.21')).toEqual([{ obis: '0-0:96.7.21', value: 5, unit: null }]);
  });

  it('keeps the tariff indicator and the version as the text they are', () => {
    expect(values(decoded, '0-0:96.14.0')[0]!.value).toBe('0001');
    expect(values(decoded, '1-3:0.2.8')[0]!.value).toBe('50');
  });

  it('decodes hex identifiers and text messages to ASCII and names the meter by its equipment identifier', () => {
    const m = message(decoded);
    expect(m.meterId).toBe(AM550_SERIAL);
    expect(values(decoded, '0-1:96.1.0')[0]!.value).toBe(GAS_SERIAL);
    expect(values(decoded, '0-0:96.13.0')[0]!.value).toBe('Hello P1');
  });

  it('takes the telegram time from 0-0:1.0.0 and describes the meter', () => {
    const m = message(decoded);
    expect(m.timestamp).toBe(CLOCK);
    expect(values(decoded, '0-0:1.0.0')).toEqual([{ obis: '0-0:1.0.0', value: CLOCK, unit: null, timestamp: CLOCK }]);
    expect(m.info).toEqual({
      header: 'ISK5\\2M550T-1012',
      manufacturer: 'Iskraemeco',
      model: 'M550T-1012',
      version: '50',
      transport: 'p1',
    });
  });

  it('gives an M-Bus reading its own capture time and the device type as a number', () => {
    expect(values(decoded, '0-1:24.1.0')).toEqual([{ obis: '0-1:24.1.0', value: 3, unit: null }]);
    expect(values(decoded, '0-1:24.2.1')).toEqual([
      { obis: '0-1:24.2.1', value: 246.138, unit: 'm3', timestamp: Date.UTC(2020, 3, 26, 20, 30, 1) / 1000 },
    ]);
  });

  it('keeps the gas reading of a DSMR 4.0 Landis+Gyr E350, whose clocks carry a lowercase DST flag', () => {
    const lines = am550Spec().lines.map((l) =>
      typeof l !== 'string' && l.obis === '0-1:24.2.1'
        ? { obis: l.obis, groups: ['150701190000s', { value: '00845.206', unit: 'm3' }] }
        : l,
    );
    const e350 = parseTelegram(encodeTelegram(am550Spec({ header: 'XMX5LGBBFFB231215493', lines })));
    expect(values(e350, '0-1:24.2.1')).toEqual([
      { obis: '0-1:24.2.1', value: 845.206, unit: 'm3', timestamp: Date.UTC(2015, 6, 1, 17, 0, 0) / 1000 },
    ]);
  });

  it('emits the power-failure count and each failure as its duration, stamped with its end', () => {
    expect(values(decoded, '1-0:99.97.0')).toEqual([{ obis: '1-0:99.97.0', value: 1, unit: null }]);
    expect(values(decoded, '0-0:96.7.19')).toEqual([
      { obis: '0-0:96.7.19', value: 2014, unit: 's', timestamp: Date.UTC(2019, 2, 26, 8, 50, 15) / 1000 },
    ]);
  });

  it('rejects a wrong CRC, naming the stated and the computed value', () => {
    const good = am550Telegram();
    const goodCrc = crc16(good, 0, good.indexOf(0x21) + 1);
    const out = parseTelegram(am550Telegram({ crc: goodCrc ^ 0x0101 }));
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.kind).toBe('crc');
    expect(out.error.message).toContain((goodCrc ^ 0x0101).toString(16).toUpperCase().padStart(4, '0'));
    expect(out.error.message).toContain(goodCrc.toString(16).toUpperCase().padStart(4, '0'));
  });

  it('rejects a damaged byte that the CRC covers', () => {
    const bytes = am550Telegram();
    bytes[bytes.indexOf(0x2e)] = 0x2c; // the first '.' becomes ','
    const out = parseTelegram(bytes);
    expect(out.ok ? 'ok' : out.error.kind).toBe('crc');
  });

  it('accepts a CRC written with three digits as the number it states', () => {
    const lines = [{ obis: '1-0:1.8.1', groups: [{ value: '000001.000', unit: 'kWh' }] }];
    // Find a body whose CRC is below 0x1000, then drop the leading zero as some meters do.
    for (let n = 0; n < 5000; n++) {
      const header = `XMX5TEST${n}`;
      const full = encodeTelegram({ header, lines });
      const text = String.fromCharCode(...full);
      if (!/!0[0-9A-F]{3}\r\n$/.test(text)) continue;
      const unpadded = ascii(text.replace(/!0([0-9A-F]{3})\r\n$/, '!$1\r\n'));
      expect(parseTelegram(unpadded).ok).toBe(true);
      return;
    }
    throw new Error('no CRC below 0x1000 found');
  });

  it('requires a CRC from DSMR 4 on, and accepts telegrams without one before that', () => {
    const v5 = parseTelegram(am550Telegram({ crc: 'none' }));
    expect(v5.ok ? 'ok' : v5.error.kind).toBe('crc');
    const belgian = parseTelegram(
      encodeTelegram({ header: 'FLU5\\253769484_A', lines: [{ obis: '0-0:96.1.4', groups: ['50217'] }], crc: 'none' }),
    );
    expect(belgian.ok ? 'ok' : belgian.error.kind).toBe('crc');
    const v3 = am550Spec().lines.filter((l) => typeof l === 'string' || l.obis !== '1-3:0.2.8');
    expect(parseTelegram(encodeTelegram({ header: 'ISk5\\2MT382-1000', lines: v3, crc: 'none' })).ok).toBe(true);
  });

  it('reads the DSMR 2.2/3 gas reading from the line after 0-n:24.3.0, in the configured zone', () => {
    const out = parseTelegram(
      encodeTelegram({
        header: 'ISk5\\2MT382-1004',
        lines: [
          { obis: '0-1:24.3.0', groups: ['161107190000', '00', '60', '1', '0-1:24.2.1', 'm3'] },
          '(00001.001)',
          { obis: '0-1:24.4.0', groups: ['1'] },
        ],
        crc: 'none',
      }),
      { timeZone: 'Europe/Amsterdam' },
    );
    expect(values(out, '0-1:24.3.0')).toEqual([
      { obis: '0-1:24.3.0', value: 1.001, unit: 'm3', timestamp: Date.UTC(2016, 10, 7, 18, 0, 0) / 1000 },
    ]);
    expect(values(out, '0-1:24.4.0')[0]!.value).toBe(1);
  });

  it('reads Belgian peak demand with its own time and the monthly peak history', () => {
    const out = parseTelegram(
      encodeTelegram({
        header: 'FLU5\\253769484_A',
        lines: [
          { obis: '0-0:96.1.4', groups: ['50217'] },
          { obis: '1-0:1.6.0', groups: ['200509134558S', { value: '02.589', unit: 'kW' }] },
          {
            obis: '0-0:98.1.0',
            groups: [
              ...['2', '1-0:1.6.0', '1-0:1.6.0'],
              ...['200501000000S', '200423192538S', { value: '03.695', unit: 'kW' }],
              // An entry whose peak time is impossible, as meters send for a month without data.
              ...['200401000000S', '632525252525W', { value: '00.000', unit: 'kW' }],
            ],
          },
          { obis: '0-1:24.2.3', groups: ['200512134558S', { value: '00112.384', unit: 'm3' }] },
        ],
      }),
    );
    expect(message(out).info.version).toBe('50217');
    expect(values(out, '1-0:1.6.0')).toEqual([
      { obis: '1-0:1.6.0', value: 2.589, unit: 'kW', timestamp: Date.UTC(2020, 4, 9, 11, 45, 58) / 1000 },
    ]);
    expect(values(out, '0-0:98.1.0')).toEqual([
      { obis: '0-0:98.1.0', value: 3.695, unit: 'kW', timestamp: Date.UTC(2020, 3, 23, 17, 25, 38) / 1000 },
      { obis: '0-0:98.1.0', value: 0, unit: 'kW' },
    ]);
    expect(values(out, '0-1:24.2.3')[0]).toMatchObject({ value: 112.384, unit: 'm3' });
  });

  it('falls back to the EasyMeter serial for the meter id and returns lines the table does not know', () => {
    const out = parseTelegram(
      encodeTelegram({
        header: 'ESY5Q3DA1004 V3.04',
        lines: [
          { obis: '1-0:0.0.0*255', groups: ['1336001560'] },
          { obis: '1-0:1.8.0*255', groups: [{ value: '00032549.5061662', unit: 'kWh' }] },
          { obis: '1-0:99.1.0', groups: [{ value: '12.5', unit: 'degC' }] },
        ],
        crc: 'none',
      }),
    );
    expect(message(out).meterId).toBe('1336001560');
    expect(values(out, '1-0:1.8.0')[0]!.value).toBe(32549.5061662);
    expect(values(out, '1-0:99.1.0')).toEqual([{ obis: '1-0:99.1.0', value: 12.5, unit: 'degC' }]);
  });

  it('reports a telegram without its end line as truncated', () => {
    const text = String.fromCharCode(...am550Telegram());
    const out = parseTelegram(ascii(text.slice(0, text.indexOf('!'))));
    expect(out.ok ? 'ok' : out.error.kind).toBe('truncated');
  });
});
