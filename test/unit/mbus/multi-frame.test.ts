/** A readout split over several responses (DIF 0x1F "more records follow") becomes one message per device. */
import { describe, expect, it } from 'vitest';
import { encodeVariableDataFrame, type RecordSpec } from '../../../shared/protocols/mbus/encode.ts';
import { decodeAll, onlyMessage } from './helpers.ts';

const header = { id: '66660205', manufacturer: 'LUG', version: 7, medium: 0x04, accessNumber: 0xff };
const energy: RecordSpec = { coding: 'int32', vib: [0x06], value: 1234 }; // kWh
const volume: RecordSpec = { coding: 'int32', vib: [0x13], value: 5678 }; // litres
const flow: RecordSpec = { coding: 'int32', vib: [0x3b], value: 90 }; // l/h

const first = encodeVariableDataFrame({ header, records: [energy], trailer: [0x1f] });
const second = encodeVariableDataFrame({
  header: { ...header, accessNumber: 0x00 },
  records: [volume],
  trailer: [0x1f],
});
const third = encodeVariableDataFrame({ header: { ...header, accessNumber: 0x01 }, records: [flow] });

describe('M-Bus multi-telegram readouts', () => {
  it('joins consecutive frames of one device into one message, also fed byte by byte', () => {
    for (const chunks of [[first, second, third], [...first, ...second, ...third].map((b) => [b])]) {
      const m = onlyMessage(decodeAll(...chunks));
      expect(m.values.map((r) => [r.record, r.quantity, r.value])).toEqual([
        [0, 'Energy', 1234000],
        [1, 'Volume', 5.678],
        [2, 'Volume flow', 0.09],
      ]);
      expect(m.device.accessNumber).toBe(1);
    }
  });

  it('keeps frames apart that do not continue each other, marker and all', () => {
    const other = encodeVariableDataFrame({ header: { ...header, id: '11112222', accessNumber: 0 }, records: [flow] });
    const out = decodeAll(first, other);
    expect(out.map((o) => (o.ok ? o.message.meterId : o.error.kind))).toEqual(['66660205', '11112222']);
    const held = out[0]!.ok ? out[0]!.message.values.map((r) => ('function' in r ? r.function : null)) : [];
    expect(held).toEqual(['instantaneous', 'more-records-follow']);
  });

  it('releases a frame announcing more at the end of the stream', () => {
    expect(onlyMessage(decodeAll(first)).values).toHaveLength(2);
  });
});
