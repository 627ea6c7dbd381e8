/** Wireless M-Bus frames built by our encoder: a water meter, a heat meter, and helpers to decode them. */
import type { RecordSpec } from '../../../shared/protocols/mbus/encode.ts';
import type { DecodeOutput, DecoderOptions, MbusMessage } from '../../../shared/protocols/types.ts';
import { encodeWmbusFrame, type WmbusFrameSpec } from '../../../shared/protocols/wmbus/encode.ts';
import { createWmbusDecoder } from '../../../shared/protocols/wmbus/index.ts';

export { concat } from '../../../shared/protocols/dlms/sequence.ts';

export const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i);
export const OTHER_KEY = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);

/** A cold water meter: 123.456 m3 (litres, 32 bit), 0.25 m3/h flow, 115.2 m3 at the last set date. */
export const WATER_RECORDS: RecordSpec[] = [
  { coding: 'int32', vib: [0x13], value: 123456 },
  { coding: 'int16', vib: [0x3b], value: 250 },
  { coding: 'int32', vib: [0x13], value: 115200, storage: 1 },
];

/** A heat meter: 4.321 MWh (kWh, BCD), flow 55.5 °C, return 31.2 °C. */
export const HEAT_RECORDS: RecordSpec[] = [
  { coding: 'bcd8', vib: [0x06], value: 4321 },
  { coding: 'int16', vib: [0x5a], value: 555 },
  { coding: 'int16', vib: [0x5e], value: 312 },
];

export function waterFrame(extra: Partial<WmbusFrameSpec> = {}): Uint8Array {
  return encodeWmbusFrame({
    address: { manufacturer: 'KAM', id: '12345678', version: 0x1b, deviceType: 0x07 },
    accessNumber: 0x42,
    records: WATER_RECORDS,
    ...extra,
  });
}

export function heatFrame(extra: Partial<WmbusFrameSpec> = {}): Uint8Array {
  return encodeWmbusFrame({
    address: { manufacturer: 'EFE', id: '87654321', version: 0x03, deviceType: 0x04 },
    accessNumber: 7,
    records: HEAT_RECORDS,
    ...extra,
  });
}

export function decodeAll(chunks: Uint8Array[], options: DecoderOptions = {}): DecodeOutput[] {
  const decoder = createWmbusDecoder(options);
  return [...chunks.flatMap((c) => decoder.push(c)), ...decoder.end()];
}

export function only(outputs: DecodeOutput[]): MbusMessage {
  if (outputs.length !== 1 || !outputs[0]!.ok) throw new Error(`expected one message, got ${JSON.stringify(outputs)}`);
  return outputs[0]!.message as MbusMessage;
}
