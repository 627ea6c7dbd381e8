/** SML files as meters send them, built by our encoder, through the streaming decoder and the profile. */
import { describe, expect, it } from 'vitest';
import { toDecodeLine } from '../../../shared/decode-line.ts';
import { createDecoder, sniffProtocol } from '../../../shared/protocols/decode.ts';
import { createSmlDecoder, encodeSmlFile } from '../../../shared/protocols/sml/index.ts';
import type { DecodeOutput, ObisMessage } from '../../../shared/protocols/types.ts';
import { concat, EMH_SERVER_ID, ehzEntries, ehzFile, V, W, WH } from './fixtures.ts';

function decodeAll(bytes: Uint8Array): DecodeOutput[] {
  const decoder = createSmlDecoder();
  return [...decoder.push(bytes), ...decoder.end()];
}

function only(outputs: DecodeOutput[]): ObisMessage {
  expect(outputs.map((o) => (o.ok ? 'ok' : o.error.kind))).toEqual(['ok']);
  return (outputs[0] as { ok: true; message: ObisMessage }).message;
}

describe('SML decoder', () => {
  it('reads an eHZ file: DIN server ID as meter ID, OBIS values scaled, DLMS units, text as text', () => {
    const message = only(decodeAll(ehzFile(12345678, 4567)));
    expect(message.protocol).toBe('sml');
    expect(message.meterId).toBe('1EMH0012345678');
    expect(message.info.manufacturer).toBe('EMH');
    expect(message.timestamp).toBeUndefined(); // a second index is no clock
    expect(message.values).toEqual([
      { obis: '129-129:199.130.3', value: 'EMH', unit: null },
      { obis: '1-0:0.0.9', value: '0A01454D480000BC614E', unit: null },
      { obis: '1-0:1.8.0', value: 1234567.8, unit: 'Wh' },
      { obis: '1-0:2.8.0', value: 42000, unit: 'Wh' },
      { obis: '1-0:16.7.0', value: 45.67, unit: 'W' },
    ]);
  });

  it('reads negative values and negative scalers: export shows as power_out in the profile', () => {
    const line = toDecodeLine(decodeAll(ehzFile(5, -29912))[0]!);
    if ('error' in line) throw new Error(line.error.message);
    expect(line.values).toContainEqual({ obis: '1-0:16.7.0', value: -299.12, unit: 'W' });
    expect(line.readings.map((r) => [r.quantity, r.value])).toEqual(
      expect.arrayContaining([
        ['energy_in', 0.5],
        ['power_out', 299.12],
        ['power_in', 0],
      ]),
    );
  });

  it('reads integers of every width from 1 to 8 bytes, signed and unsigned', () => {
    const widths = [1, 2, 3, 4, 5, 6, 7, 8];
    const entries = widths.flatMap((size) => [
      { obis: `1-0:1.8.${size}`, value: 2 ** (Math.min(size, 6) * 8) - 1, unit: WH, size, type: 'unsigned' as const },
      { obis: `1-0:16.7.${size}`, value: -(2 ** (Math.min(size, 6) * 8 - 1)), unit: W, size, type: 'integer' as const },
    ]);
    const message = only(decodeAll(encodeSmlFile({ serverId: EMH_SERVER_ID, entries })));
    expect(message.values.map((v) => v.value)).toEqual(entries.map((e) => e.value));
  });

  it('takes the clock from a timestamp and keeps a value time beside the value', () => {
    const file = encodeSmlFile({
      serverId: EMH_SERVER_ID,
      timestamp: 1_790_000_000,
      entries: [{ obis: '1-0:32.7.0', value: 2301, unit: V, scaler: -1, valTime: 1_789_999_990 }],
    });
    const message = only(decodeAll(file));
    expect(message.timestamp).toBe(1_790_000_000);
    expect(message.values).toEqual([{ obis: '1-0:32.7.0', value: 230.1, unit: 'V', timestamp: 1_789_999_990 }]);
  });

  it('reports a file with a wrong CRC and decodes the files around it', () => {
    const broken = ehzFile(2);
    broken.set([broken.at(-1)! ^ 0xff], broken.length - 1);
    const outputs = decodeAll(concat(ehzFile(1), broken, ehzFile(3)));
    expect(outputs.map((o) => (o.ok ? o.message.values[2]!.value : o.error.kind))).toEqual([0.1, 'crc', 0.3]);
  });

  it('decodes the whole files of a dump that starts and ends inside a file', () => {
    const [a, b, c] = [ehzFile(1), ehzFile(2), ehzFile(3)];
    const stream = concat(a, b, c).subarray(a.length / 2 + 3, a.length + b.length + c.length / 2);
    const outputs = decodeAll(stream);
    expect(outputs.map((o) => (o.ok ? o.message.values[2]!.value : o.error.kind))).toEqual([0.2, 'truncated']);
  });

  it('reads a file whose start falls off the four-byte grid of a file cut before it', () => {
    // An IR head reconnected mid-file: the new file starts 2 bytes after a four-byte group of the cut one.
    const cut = ehzFile(1).subarray(0, 42);
    const outputs = decodeAll(concat(cut, ehzFile(2)));
    expect(outputs.map((o) => (o.ok ? o.message.values[2]!.value : o.error.kind))).toEqual(['truncated', 0.2]);
  });

  it('gives up on a file that never ends after a bounded length and reads the next one', () => {
    const runaway = concat(Uint8Array.of(0x1b, 0x1b, 0x1b, 0x1b, 1, 1, 1, 1), new Uint8Array(70_000).fill(0x42));
    const outputs = decodeAll(concat(runaway, ehzFile(7)));
    expect(outputs.map((o) => (o.ok ? o.message.values[2]!.value : o.error.kind))).toEqual(['syntax', 0.7]);
  });

  it('decodes the same files fed one byte at a time', () => {
    const stream = concat(ehzFile(1), ehzFile(2));
    const decoder = createSmlDecoder();
    const outputs = [...Array.from(stream, (b) => decoder.push(Uint8Array.of(b))).flat(), ...decoder.end()];
    expect(outputs.map((o) => (o.ok ? o.message.values[2]!.value : o.error.kind))).toEqual([0.1, 0.2]);
  });

  it('is recognised by auto-detection from its start escape', () => {
    const file = ehzFile(4);
    expect(sniffProtocol(concat(Uint8Array.of(0x00, 0x42), file))).toBe('sml');
    const auto = createDecoder('auto');
    const outputs = [...auto.push(file), ...auto.end()];
    expect(outputs.map((o) => o.ok && o.message.protocol)).toEqual(['sml']);
  });

  it('keeps 15.7.0 (absolute power, no direction) in values only: it could be export as well as import', () => {
    const file = encodeSmlFile({
      serverId: EMH_SERVER_ID,
      entries: [
        ehzEntries()[2]!,
        ehzEntries()[3]!,
        { obis: '1-0:15.7.0', value: 35624, unit: W, scaler: -2, type: 'unsigned', size: 4 },
      ],
      secIndex: 1000,
    });
    const line = toDecodeLine(decodeAll(file)[0]!);
    if ('error' in line) throw new Error(line.error.message);
    expect(line.values).toContainEqual({ obis: '1-0:15.7.0', value: 356.24, unit: 'W' });
    expect(line.readings.map((r) => r.quantity)).toEqual(['energy_in', 'energy_out']);
  });
});
