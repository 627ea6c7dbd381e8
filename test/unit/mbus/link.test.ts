import { describe, expect, it } from 'vitest';
import { encodeShortFrame, encodeVariableDataFrame } from '../../../shared/protocols/mbus/encode.ts';
import { decodeAll, onlyError, onlyMessage } from './helpers.ts';

const header = { id: '12345678', manufacturer: 'KAM', version: 1, medium: 0x07, accessNumber: 5 };
const frame = (litres: number, id = header.id) =>
  encodeVariableDataFrame({ header: { ...header, id }, records: [{ coding: 'int32', vib: [0x13], value: litres }] });

describe('M-Bus link framing', () => {
  it('decodes a long frame written by hand from EN 13757-2/-3', () => {
    // 68 L L 68 | C=08 A=01 CI=72 | ID 12345678 | KAM | ver 01 | water | acc 05 | status 00 | sig 0000 | 0C 13 BCD 12345 l | CS 16
    const body = [0x08, 0x01, 0x72, 0x78, 0x56, 0x34, 0x12, 0x2d, 0x2c, 0x01, 0x07, 0x05, 0x00, 0x00, 0x00];
    const data = [0x0c, 0x13, 0x45, 0x23, 0x01, 0x00];
    const user = [...body, ...data];
    const cs = user.reduce((s, b) => (s + b) & 0xff, 0);
    const m = onlyMessage(decodeAll([0x68, user.length, user.length, 0x68, ...user, cs, 0x16]));
    expect(m.meterId).toBe('12345678');
    expect(m.device).toEqual({
      id: '12345678',
      manufacturer: 'KAM',
      version: 1,
      medium: 'Water',
      accessNumber: 5,
      status: '00',
    });
    expect(m.values).toMatchObject([{ quantity: 'Volume', unit: 'm3', value: 12.345, function: 'instantaneous' }]);
  });

  it('reports a checksum error as crc and goes on with the next frame', () => {
    const bad = frame(1);
    bad[bad.length - 2] = bad[bad.length - 2]! ^ 0x01;
    const outputs = decodeAll([...bad, ...frame(2)]);
    expect(outputs).toHaveLength(2);
    expect(outputs[0]).toMatchObject({ ok: false, error: { kind: 'crc' } });
    expect(outputs[1]).toMatchObject({ ok: true, message: { values: [{ value: 0.002 }] } });
  });

  it('gives the same result for any chunking, down to single bytes', () => {
    const bytes = [...frame(7), ...frame(8)];
    const whole = decodeAll(bytes);
    expect(decodeAll(...bytes.map((b) => [b]))).toEqual(whole);
    expect(decodeAll(bytes.slice(0, 3), bytes.slice(3, 40), bytes.slice(40))).toEqual(whole);
    expect(whole).toHaveLength(2);
  });

  it('skips garbage, single characters E5 and short frames between long frames', () => {
    const garbage = [0x00, 0x68, 0x03, 0x68, 0xff, 0x10, 0x42, 0x16, 0x68, 0x68];
    const outputs = decodeAll([
      ...garbage,
      0xe5,
      ...encodeShortFrame(0x5b, 0x01),
      ...frame(3),
      0xe5,
      ...garbage,
      ...frame(4),
    ]);
    expect(outputs.filter((o) => o.ok)).toHaveLength(2);
  });

  it('produces nothing for the single character E5 and a short frame alone', () => {
    expect(decodeAll([0xe5, ...encodeShortFrame(0x40, 0xfe)])).toEqual([]);
  });

  it('reports a frame cut off by the end of the stream as truncated', () => {
    const cut = Array.from(frame(5)).slice(0, 12);
    const error = onlyError(decodeAll(cut));
    expect(error.kind).toBe('truncated');
    expect(error.message).toMatch(/ended inside an M-Bus frame/);
  });

  it('does not let a garbage header that promises 255 bytes hold back the frame behind it', () => {
    const outputs = decodeAll([0x68, 0xff, 0xff, 0x68, 0x00], frame(6));
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ ok: true, message: { values: [{ value: 0.006 }] } });
  });

  it('decodes several frames from one push, each with its own meter id', () => {
    const outputs = decodeAll([...frame(1, '00000001'), ...frame(2, '00000002'), ...frame(3, '00000003')]);
    expect(outputs.map((o) => o.ok && o.message.protocol === 'mbus' && o.message.meterId)).toEqual([
      '00000001',
      '00000002',
      '00000003',
    ]);
  });
});
