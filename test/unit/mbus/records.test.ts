import { describe, expect, it } from 'vitest';
import {
  encodeDateF,
  encodeDateG,
  encodeDateI,
  encodeVariableDataFrame,
  type RecordSpec,
} from '../../../shared/protocols/mbus/encode.ts';
import type { MbusRecord } from '../../../shared/protocols/types.ts';
import { decodeAll, onlyError, onlyMessage } from './helpers.ts';

const header = { id: '87654321', manufacturer: 'ELS', version: 2, medium: 0x04, accessNumber: 1 };

function records(specs: RecordSpec[], trailer?: number[]): MbusRecord[] {
  return onlyMessage(decodeAll(encodeVariableDataFrame({ header, records: specs, trailer }))).values;
}

function one(spec: RecordSpec): MbusRecord {
  const [r] = records([spec]);
  return r!;
}

describe('M-Bus data field codings', () => {
  it.each([
    ['int8', -5],
    ['int16', -1234],
    ['int24', 8388607],
    ['int32', -2147483648],
    ['int48', 140737488355327],
    ['int64', -9007199254740991],
    ['bcd2', 42],
    ['bcd4', 1234],
    ['bcd6', 123456],
    ['bcd8', 12345678],
    ['bcd12', 123456789012],
    ['bcd8', -1234567],
  ] as const)('reads %s %d (VIF 0x2B: power in W)', (coding, value) => {
    expect(one({ coding, vib: [0x2b], value })).toMatchObject({ value, unit: 'W', quantity: 'Power' });
  });

  it('reads 32-bit reals', () => {
    expect(one({ coding: 'real32', vib: [0x5b], value: 21.5 })).toMatchObject({ value: 21.5, unit: '°C' });
  });

  it('reads negative BCD by its F nibble, hand-made: 0A 5A 45 F1 = -14.5 °C', () => {
    expect(one({ coding: 'bcd4', vib: [0x5a], data: [0x45, 0xf1] }).value).toBeCloseTo(-14.5);
  });

  it('returns BCD with error digits A-E as its digits, not as a made-up number', () => {
    expect(one({ coding: 'bcd4', vib: [0x2b], data: [0xee, 0xee] }).value).toBe('EEEE');
  });

  it('reads variable-length text, sent last character first', () => {
    expect(one({ coding: 'text', vib: [0x7d, 0x10], value: 'Flat 3B' })).toMatchObject({
      quantity: 'Customer location',
      value: 'Flat 3B',
    });
  });

  it('reads LVAR BCD (C0h+n, D0h+n negative) and long binary LVAR as hex', () => {
    expect(one({ coding: 'text', vib: [0x13], data: [0xc2, 0x34, 0x12] }).value).toBeCloseTo(1.234);
    expect(one({ coding: 'text', vib: [0x13], data: [0xd2, 0x34, 0x12] }).value).toBeCloseTo(-1.234);
    const key = Array.from({ length: 16 }, (_, i) => i);
    expect(one({ coding: 'text', vib: [0x7d, 0x16], data: [0xf0, ...key] }).value).toBe(
      '0F 0E 0D 0C 0B 0A 09 08 07 06 05 04 03 02 01 00',
    );
  });

  it('gives records without data (no data, selection for readout) an empty value', () => {
    expect(one({ coding: 'none', vib: [0x13] }).value).toBe('');
    expect(one({ coding: 'selection', vib: [0x13] }).value).toBe('');
  });

  it('reads dates of type G, F (with the time-invalid bit) and I as ISO text without a zone', () => {
    const d = { year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 58 };
    expect(one({ coding: 'int16', vib: [0x6c], data: encodeDateG(d) }).value).toBe('2024-02-29');
    expect(one({ coding: 'int32', vib: [0x6d], data: encodeDateF(d) }).value).toBe('2024-02-29T23:59:00');
    expect(one({ coding: 'int48', vib: [0x6d], data: encodeDateI(d) }).value).toBe('2024-02-29T23:59:58');
    expect(one({ coding: 'int32', vib: [0x6d], data: encodeDateF({ ...d, invalid: true }) }).value).toBe('');
  });

  it('reads type F by hand: 04 6D 1A 0E CD 13 = 2014-03-13 14:26', () => {
    expect(one({ coding: 'int32', vib: [0x6d], data: [0x1a, 0x0e, 0xcd, 0x13] }).value).toBe('2014-03-13T14:26:00');
  });

  it('reads type J (time of day) from a 24-bit date-time record', () => {
    expect(one({ coding: 'int24', vib: [0x6d], data: [30, 15, 8] }).value).toBe('08:15:30');
  });

  it('reports a record running past the end of the frame as a syntax error naming the record', () => {
    const error = onlyError(decodeAll(encodeVariableDataFrame({ header, records: [], trailer: [0x04, 0x13, 0x01] })));
    expect(error.kind).toBe('syntax');
    expect(error.message).toMatch(/record 0 .*needs 4 data bytes, only 1 left/);
  });
});

describe('M-Bus DIF function, storage, tariff and subunit', () => {
  it.each(['instantaneous', 'maximum', 'minimum', 'error'] as const)('reads function %s', (fn) => {
    expect(one({ coding: 'int16', vib: [0x2b], value: 1, function: fn }).function).toBe(fn);
  });

  it('reads storage 1 from the DIF alone and large storage, tariff and subunit over several DIFEs', () => {
    expect(one({ coding: 'int16', vib: [0x13], value: 1, storage: 1 })).toMatchObject({
      storage: 1,
      tariff: 0,
      subunit: 0,
    });
    const r = one({ coding: 'int16', vib: [0x13], value: 1, storage: 1234, tariff: 9, subunit: 5 });
    expect(r).toMatchObject({ storage: 1234, tariff: 9, subunit: 5 });
  });

  it('reads DIFEs by hand: 84 80 40 13 = second DIFE sets subunit bit 1, volume in litres', () => {
    const [r] = records([], [0x84, 0x80, 0x40, 0x13, 0x01, 0x00, 0x00, 0x00]);
    expect(r).toMatchObject({ storage: 0, tariff: 0, subunit: 2, value: 0.001, unit: 'm3' });
  });

  it('reads DIFE storage and tariff by hand: C4 23 = storage 7, tariff 2', () => {
    const [r] = records([], [0xc4, 0x23, 0x06, 0x05, 0x00, 0x00, 0x00]);
    expect(r).toMatchObject({ storage: 7, tariff: 2, value: 5000, unit: 'Wh' });
  });
});

describe('M-Bus value information (VIF tables and VIFEs)', () => {
  it.each([
    [[0x03], 'Energy', 'Wh', 1],
    [[0x06], 'Energy', 'Wh', 1000],
    [[0x0e], 'Energy', 'J', 1e6],
    [[0x13], 'Volume', 'm3', 0.001],
    [[0x1b], 'Mass', 'kg', 1],
    [[0x22], 'On time', 's', 3600],
    [[0x27], 'Operating time', 's', 86400],
    [[0x2e], 'Power', 'W', 1000],
    [[0x3b], 'Volume flow', 'm3/h', 0.001],
    [[0x46], 'Volume flow', 'm3/h', 6],
    [[0x5a], 'Flow temperature', '°C', 0.1],
    [[0x5f], 'Return temperature', '°C', 1],
    [[0x61], 'Temperature difference', 'K', 0.01],
    [[0x66], 'External temperature', '°C', 0.1],
    [[0x6a], 'Pressure', 'bar', 0.1],
    [[0x74], 'Actuality Duration', 's', 1],
    [[0x78], 'Fabrication No', null, 1],
    [[0x7d, 0x48], 'Voltage', 'V', 0.1],
    [[0x7d, 0x59], 'Current', 'A', 0.001],
    [[0x7d, 0x1a], 'Digital Output', null, 1],
    [[0x7d, 0x0e], 'Firmware version', null, 1],
    [[0x7d, 0x26], 'Storage interval', 's', 3600],
    [[0x7b, 0x00], 'Energy', 'Wh', 1e5],
    [[0x7b, 0x09], 'Energy', 'J', 1e9],
    [[0x7b, 0x11], 'Volume', 'm3', 1000],
    [[0x7b, 0x29], 'Power', 'W', 1e6],
  ] as const)('VIF %j reads as %s in %s (× %d)', (vib, quantity, unit, factor) => {
    const r = one({ coding: 'int16', vib, value: 7 });
    expect(r).toMatchObject({ quantity, unit });
    expect(r.value).toBeCloseTo(7 * factor, 9);
  });

  it('converts °F from the 0xFB table to °C', () => {
    expect(one({ coding: 'int16', vib: [0x7b, 0x5b], value: 212 }).value).toBeCloseTo(100, 9);
  });

  it('applies multiplicative (10^(n-6), 10^3) and additive VIFE corrections', () => {
    expect(one({ coding: 'int16', vib: [0x13, 0x75], value: 5 }).value).toBeCloseTo(0.0005, 12);
    expect(one({ coding: 'int16', vib: [0x03, 0x7d], value: 5 }).value).toBe(5000);
    expect(one({ coding: 'int16', vib: [0x5b, 0x7b], value: 20 }).value).toBe(20 + 1);
  });

  it('appends "per" units and turns limit-exceed VIFEs into durations, counts and dates', () => {
    expect(one({ coding: 'int16', vib: [0x13, 0x22], value: 1 }).unit).toBe('m3/h');
    expect(one({ coding: 'int16', vib: [0x3b, 0x52], value: 2 })).toMatchObject({ unit: 's', value: 7200 });
    expect(one({ coding: 'int16', vib: [0x3b, 0x49], value: 3 })).toMatchObject({ unit: null, value: 3 });
    const when = encodeDateF({ year: 2023, month: 7, day: 1, hour: 12, minute: 0 });
    expect(one({ coding: 'int32', vib: [0x2b, 0x6f], data: when })).toMatchObject({
      unit: null,
      value: '2023-07-01T12:00:00',
    });
    // E110 1f1b and E110 0fnn date and time the VIF's own quantity, not a limit exceed.
    expect(one({ coding: 'int32', vib: [0x2b, 0x6f], data: when }).quantity).toBe('Power (date/time of end of last)');
    expect(one({ coding: 'int16', vib: [0x3b, 0x62], value: 1 }).quantity).toBe('Volume flow (duration of first)');
  });

  it('names record error VIFEs in the quantity', () => {
    expect(one({ coding: 'int16', vib: [0x13, 0x15], value: 0 }).quantity).toBe('Volume (error: no data available)');
  });

  it('reads plain-text VIFs, with VIFEs after the text', () => {
    const r = one({ coding: 'int16', vib: [0x7c, 0x74], plainText: '%RH', value: 5410 });
    expect(r).toMatchObject({ quantity: '%RH', unit: null });
    expect(r.value).toBeCloseTo(54.1, 9);
  });

  it('ignores manufacturer-specific VIFEs after 0x7F but keeps the value', () => {
    expect(one({ coding: 'int16', vib: [0x13, 0x7f, 0x42, 0x17], value: 9 })).toMatchObject({
      quantity: 'Volume',
      value: 0.009,
    });
    expect(one({ coding: 'int16', vib: [0x7f, 0x01], value: 9 })).toMatchObject({
      quantity: 'Manufacturer specific',
      value: 9,
    });
  });

  it('reads error flags as unsigned bit fields', () => {
    expect(one({ coding: 'int8', vib: [0x7d, 0x17], value: 0xff }).value).toBe(255);
  });
});

describe('M-Bus special functions', () => {
  it('skips idle fillers 0x2F between and after records', () => {
    const values = records([], [0x2f, 0x2f, 0x01, 0x13, 0x05, 0x2f, 0x2f]);
    expect(values).toMatchObject([{ quantity: 'Volume', value: 0.005 }]);
  });

  it('keeps manufacturer-specific data after 0x0F as hex in wire order', () => {
    const values = records([{ coding: 'int8', vib: [0x13], value: 1 }], [0x0f, 0x00, 0x01, 0x75, 0x13]);
    expect(values[1]).toMatchObject({ function: 'manufacturer-specific', value: '00 01 75 13' });
  });

  it('marks 0x1F as "more records follow", with any data after it', () => {
    expect(records([], [0x1f])).toMatchObject([{ function: 'more-records-follow', value: '' }]);
    expect(records([], [0x1f, 0xaa])).toMatchObject([{ function: 'more-records-follow', value: 'AA' }]);
  });
});
