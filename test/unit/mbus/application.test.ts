import { describe, expect, it } from 'vitest';
import { encodeDateF, encodeLongFrame, encodeLongHeader, encodeRecord } from '../../../shared/protocols/mbus/encode.ts';
import { createMbusDecoder } from '../../../shared/protocols/mbus/index.ts';
import { decodeAll, onlyError, onlyMessage } from './helpers.ts';

const header = { id: '00012345', manufacturer: 'SEN', version: 0x42, medium: 0x16, accessNumber: 0x9a, status: 0x21 };
const volume = encodeRecord({ coding: 'int32', vib: [0x13], value: 123456 });

describe('M-Bus application layer (CI field)', () => {
  it('CI 0x72: long header with identification, FLAG manufacturer code, medium name and status', () => {
    const m = onlyMessage(decodeAll(encodeLongFrame({ ci: 0x72, body: [...encodeLongHeader(header), ...volume] })));
    expect(m.device).toEqual({
      id: '00012345',
      manufacturer: 'SEN',
      version: 0x42,
      medium: 'Cold water',
      accessNumber: 0x9a,
      status: '21',
    });
    expect(m.meterId).toBe('00012345');
    expect(m.info).toEqual({ transport: 'mbus', manufacturer: 'SEN' });
    expect(m.values[0]).toMatchObject({ value: 123.456, unit: 'm3' });
  });

  it('CI 0x76 (mode 2): header and data high byte first', () => {
    const record = [0x04, 0x13, 0x00, 0x01, 0xe2, 0x40]; // 0x0001E240 = 123456 l, high byte first
    const m = onlyMessage(
      decodeAll(encodeLongFrame({ ci: 0x76, body: [...encodeLongHeader(header, true), ...record] })),
    );
    expect(m.device).toMatchObject({ id: '00012345', manufacturer: 'SEN' });
    expect(m.values[0]).toMatchObject({ value: 123.456 });
  });

  it('CI 0x7A: short header (access number, status, signature) then records', () => {
    const m = onlyMessage(decodeAll(encodeLongFrame({ ci: 0x7a, body: [0x11, 0x00, 0x00, 0x00, ...volume] })));
    expect(m.device).toMatchObject({ id: '', accessNumber: 0x11, status: '00' });
    expect(m.values).toHaveLength(1);
  });

  it('CI 0x78: records without any header', () => {
    const m = onlyMessage(decodeAll(encodeLongFrame({ ci: 0x78, body: volume })));
    expect(m.values[0]).toMatchObject({ quantity: 'Volume', value: 123.456 });
  });

  it('CI 0x73: fixed data structure by hand, BCD counters, litres then a historic counter', () => {
    // ID 12345678, access 0A, status 00 (BCD, actual), medium/unit E9 7E: unit1 0x29 (l), unit2 0x3E (historic),
    // medium bits 01|11 = 7 (water); counter1 00000001, counter2 00000135.
    const body = [0x78, 0x56, 0x34, 0x12, 0x0a, 0x00, 0xe9, 0x7e, 0x01, 0x00, 0x00, 0x00, 0x35, 0x01, 0x00, 0x00];
    const m = onlyMessage(decodeAll(encodeLongFrame({ ci: 0x73, body })));
    expect(m.device).toMatchObject({ id: '12345678', medium: 'Water', accessNumber: 10 });
    expect(m.values).toMatchObject([
      { function: 'instantaneous', storage: 0, quantity: 'Volume', unit: 'm3', value: 0.001 },
      { function: 'instantaneous', storage: 1, quantity: 'Volume', unit: 'm3', value: 0.135 },
    ]);
  });

  it('CI 0x73 with status bit 7: binary counters, kWh', () => {
    const body = [0x01, 0x00, 0x00, 0x00, 0x01, 0x80, 0x05, 0x69, 0x10, 0x27, 0x00, 0x00, 0x45, 0x00, 0x00, 0x00];
    const m = onlyMessage(decodeAll(encodeLongFrame({ ci: 0x73, body })));
    expect(m.device.medium).toBe('Heat');
    expect(m.values.map((r) => [r.value, r.unit])).toEqual([
      [10_000_000, 'Wh'],
      [0.069, 'm3'],
    ]);
  });

  it.each([
    ['0x7D', 0x7d, /CI field 0x7D.*DLMS/],
    ['0x10', 0x10, /CI field 0x10.*DLMS/],
    ['0x51', 0x51, /CI field 0x51.*master-to-meter/],
    ['0x70', 0x70, /CI field 0x70.*application error/],
    ['0xB8', 0xb8, /CI field 0xB8/],
  ])('reports CI %s as unsupported, naming the CI', (_name, ci, message) => {
    const error = onlyError(decodeAll(encodeLongFrame({ ci, body: [0x01, 0x02] })));
    expect(error.kind).toBe('unsupported');
    expect(error.message).toMatch(message);
  });

  it('reports a header cut short as truncated', () => {
    const error = onlyError(decodeAll(encodeLongFrame({ ci: 0x72, body: [0x01, 0x02, 0x03] })));
    expect(error).toMatchObject({ kind: 'truncated' });
    expect(error.message).toMatch(/12-byte header/);
  });

  it('sets the message timestamp from the current meter clock, read in the configured zone', () => {
    const at = (storage: number, invalid = false) =>
      encodeRecord({
        coding: 'int32',
        vib: [0x6d],
        storage,
        data: encodeDateF({ year: 2024, month: 7, day: 1 + storage, hour: 12, minute: 30, invalid }),
      });
    const decode = (...records: Uint8Array[]) =>
      onlyMessage(
        decodeAll(
          encodeLongFrame({ ci: 0x72, body: [...encodeLongHeader(header), ...records.flatMap((r) => [...r])] }),
        ),
      );
    // A stored (due-date) time does not count; the current one is read in Europe/Zurich summer time.
    expect(decode(at(1), volume, at(0)).timestamp).toBe(Date.UTC(2024, 6, 1, 10, 30) / 1000);
    expect(decode(at(1)).timestamp).toBeUndefined();
    expect(decode(at(0, true)).timestamp).toBeUndefined();
  });

  it('still decodes, without a timestamp, when the configured time zone is unknown', () => {
    const clock = encodeRecord({ coding: 'int32', vib: [0x6d], data: encodeDateF({ year: 2024, month: 7, day: 1 }) });
    const frame = encodeLongFrame({ ci: 0x72, body: [...encodeLongHeader(header), ...clock] });
    const [out] = createMbusDecoder({ timeZone: 'Not/A_Zone' }).push(frame);
    expect(out).toMatchObject({ ok: true, message: { values: [{ value: '2024-07-01T00:00:00' }] } });
    expect(out?.ok && out.message.timestamp).toBeUndefined();
  });
});
