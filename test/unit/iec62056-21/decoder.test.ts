/** IEC 62056-21 readouts built by our encoder, through the streaming decoder. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../shared/protocols/decode.ts';
import { encodeTelegram } from '../../../shared/protocols/dsmr/encode.ts';
import { createIecDecoder, encodeReadout } from '../../../shared/protocols/iec62056-21/index.ts';
import type { DecodeOutput } from '../../../shared/protocols/types.ts';

const KINDS = ['crc', 'truncated', 'decrypt', 'unsupported', 'syntax'];

function decodeChunks(chunks: Uint8Array[]): DecodeOutput[] {
  const decoder = createIecDecoder();
  return [...chunks.flatMap((c) => decoder.push(c)), ...decoder.end()];
}

const readout = encodeReadout({
  identification: 'LGZ4ZMF100AC.M27',
  sets: [
    ['F.F', '00'],
    ['0.0.0', '00012345'],
    ['1.8.0', '001846.0', 'kWh'],
    ['1-0:2.8.0*255', '0004329.6', 'kWh'],
    ['32.7', '233', 'V'],
    ['0.2.0', 'V01.69#EEA3546C'],
  ],
});

describe('IEC 62056-21 decoder', () => {
  it('reads a mode D readout: addresses as written, numbers with units, identity as text', () => {
    const [out] = decodeChunks([readout]);
    expect(out?.ok && out.message).toMatchObject({
      protocol: 'iec62056-21',
      meterId: '00012345',
      info: { header: 'LGZ4ZMF100AC.M27', manufacturer: 'LGZ' },
      values: [
        { obis: 'F.F', value: '00', unit: null },
        { obis: '0.0.0', value: '00012345', unit: null },
        { obis: '1.8.0', value: 1846, unit: 'kWh' },
        { obis: '1-0:2.8.0*255', value: 4329.6, unit: 'kWh' },
        { obis: '32.7', value: 233, unit: 'V' },
        { obis: '0.2.0', value: 'V01.69#EEA3546C', unit: null },
      ],
    });
  });

  it('skips the echoed request, STX, ETX and BCC, and reads readouts one after another, byte by byte', () => {
    const moded = encodeReadout({ identification: 'ELS5\\@V9.30', sets: [['1.8.0', '000285.4', 'kWh']], stx: true });
    const stream = Uint8Array.from([...new TextEncoder().encode('\x7f\x7f/?!\r\n'), ...moded, ...readout]);
    const outputs = decodeChunks(Array.from(stream, (b) => Uint8Array.of(b)));
    const energy = outputs.map((o) => o.ok && o.message.values.find((v) => 'obis' in v && v.obis === '1.8.0')?.value);
    expect(energy).toEqual([285.4, 1846]);
  });

  it('reports a readout cut off by the next one, or by the end of the stream', () => {
    const cut = readout.subarray(0, 40);
    const outputs = decodeChunks([cut, readout, cut]);
    expect(outputs.map((o) => (o.ok ? 'ok' : o.error.kind))).toEqual(['truncated', 'ok', 'truncated']);
  });

  it('reads a mode C readout whose BCC happens to be a slash, and the next one, without a spurious error', () => {
    // The BCC follows the data: some meter number makes it 0x2F, the byte that opens a readout.
    const withSlashBcc = Array.from({ length: 2000 }, (_, n) =>
      encodeReadout({ identification: 'LGZ5ZMD310CR.SIM', sets: [['0.0.0', n.toString(36)]], stx: true }),
    ).find((r) => r.at(-1) === 0x2f)!;
    const stream = Uint8Array.from([...withSlashBcc, ...readout]);
    for (const chunks of [[stream], Array.from(stream, (b) => Uint8Array.of(b))]) {
      expect(decodeChunks(chunks).map((o) => (o.ok ? 'ok' : o.error.kind))).toEqual(['ok', 'ok']);
    }
  });

  it('gives the same results however the stream is cut into chunks (the scan resumes where it stopped)', () => {
    const moded = encodeReadout({ identification: 'ELS5\\@V9.30', sets: [['1.8.0', '000285.4', 'kWh']], stx: true });
    const parts = [readout, moded, readout.subarray(0, 60), new TextEncoder().encode('/?!\r\n'), Uint8Array.of(0x2f)];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...parts.keys()), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (order, noise, cuts) => {
          const stream = Uint8Array.from([...noise, ...order.flatMap((i) => [...parts[i]!])]);
          const at = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...at].map((from, i) => stream.subarray(from, [...at, stream.length][i]));
          expect(decodeChunks(chunks)).toEqual(decodeChunks([stream]));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is never chosen by auto: a DSMR telegram with a wrong CRC stays a crc error, not an unchecked readout', () => {
    const telegram = encodeTelegram({
      header: 'ISK5\\2M550T-1012',
      lines: [{ obis: '1-0:1.8.1', groups: [{ value: '000123.456', unit: 'kWh' }] }],
      crc: 0x1234,
    });
    const auto = createDecoder('auto');
    const outputs = [...auto.push(telegram), ...auto.end()];
    expect(outputs.map((o) => (o.ok ? o.message.protocol : o.error.kind))).toEqual(['crc']);
  });

  it('never throws on random or mutated input and returns typed results', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 200 }),
        (edits, noise) => {
          const bytes = Uint8Array.from([...noise, ...readout, ...readout]);
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const outputs = decodeChunks([bytes.subarray(0, bytes.length >> 1), bytes.subarray(bytes.length >> 1)]);
          for (const o of outputs) {
            if (o.ok) expect(Array.isArray(o.message.values)).toBe(true);
            else expect(KINDS).toContain(o.error.kind);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
