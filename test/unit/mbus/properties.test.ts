/** Random and mutated input never throws, never hangs and only ever yields messages or typed errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMbusDecoder } from '../../../shared/protocols/mbus/index.ts';
import { encodeLongFrame, encodeVariableDataFrame, type RecordSpec } from '../../../shared/protocols/mbus/encode.ts';
import type { DecodeOutput } from '../../../shared/protocols/types.ts';

const KINDS = ['crc', 'truncated', 'decrypt', 'unsupported', 'syntax'];

function decodeChunks(chunks: Uint8Array[]): DecodeOutput[] {
  const decoder = createMbusDecoder({ timeZone: 'UTC' });
  return [...chunks.flatMap((c) => decoder.push(c)), ...decoder.end()];
}

function wellTyped(outputs: DecodeOutput[]): boolean {
  return outputs.every((o) =>
    o.ok
      ? o.message.protocol === 'mbus' && Array.isArray(o.message.values)
      : KINDS.includes(o.error.kind) && o.error.message.length > 0,
  );
}

const specs: RecordSpec[] = [
  { coding: 'bcd8', vib: [0x13], value: 12345 },
  { coding: 'int32', vib: [0x06], value: 777, storage: 3, tariff: 1 },
  { coding: 'text', vib: [0x7d, 0x10], value: 'flat' },
  { coding: 'int16', vib: [0x7c, 0x74], plainText: '%RH', value: 5410 },
  { coding: 'real32', vib: [0x5b], value: 20.5, function: 'maximum' },
];
const valid = encodeVariableDataFrame({
  header: { id: '12345678', manufacturer: 'ABC', version: 1, medium: 4, accessNumber: 1 },
  records: specs,
  trailer: [0x0f, 1, 2, 3],
});

/** Changes bytes of the application data and repairs the checksum, so the records parser sees the damage. */
function mutateBody(frame: Uint8Array, edits: [number, number][]): Uint8Array {
  const body = Array.from(frame.subarray(7, frame.length - 2));
  for (const [at, value] of edits) body[at % body.length] = value;
  return encodeLongFrame({ control: frame[4], address: frame[5], ci: frame[6]!, body });
}

describe('M-Bus decoder properties', () => {
  it('never throws on random bytes in random chunks and returns typed results', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
        expect(wellTyped(decodeChunks(chunks))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on frame-shaped random bodies with any CI', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 252 }), (ci, body) => {
        const outputs = decodeChunks([encodeLongFrame({ ci, body })]);
        expect(outputs).toHaveLength(1);
        expect(wellTyped(outputs)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('survives mutated valid frames: damaged records give a message or a typed error, never an exception', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (edits) => {
          const outputs = decodeChunks([mutateBody(valid, edits)]);
          expect(outputs).toHaveLength(1);
          expect(wellTyped(outputs)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('finds a valid frame after any garbage prefix that holds no frame start', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (garbage) => {
        const prefix = garbage.filter((b) => b !== 0x68 && b !== 0x10);
        const outputs = decodeChunks([prefix, valid]);
        expect(outputs.filter((o) => o.ok)).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a megabyte of noise quickly', () => {
    const noise = new Uint8Array(1 << 20);
    let seed = 1;
    for (let i = 0; i < noise.length; i++) noise[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const started = performance.now();
    const outputs = decodeChunks([noise.subarray(0, 1 << 19), noise.subarray(1 << 19)]);
    expect(wellTyped(outputs)).toBe(true);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
