/** Random and mutated SML streams never throw, never hang and only ever yield messages or typed errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSmlDecoder, SmlFramer } from '../../../shared/protocols/sml/index.ts';
import { wrapFile } from '../../../shared/protocols/sml/encode.ts';
import type { DecodeOutput } from '../../../shared/protocols/types.ts';
import { concat, ehzFile } from './fixtures.ts';

const KINDS = ['crc', 'truncated', 'decrypt', 'unsupported', 'syntax'];
const START = Uint8Array.of(0x1b, 0x1b, 0x1b, 0x1b, 1, 1, 1, 1);

function decodeChunks(chunks: Uint8Array[]): DecodeOutput[] {
  const decoder = createSmlDecoder();
  return [...chunks.flatMap((c) => decoder.push(c)), ...decoder.end()];
}

function wellTyped(outputs: DecodeOutput[]): boolean {
  return outputs.every((o) =>
    o.ok
      ? o.message.protocol === 'sml' && Array.isArray(o.message.values)
      : KINDS.includes(o.error.kind) && o.error.message.length > 0,
  );
}

/** Splits bytes at the given cut points. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length));
}

/** The message bytes of an encoder-built file (between the start escape and the padding), as the framer sees them. */
const valid = ehzFile(123, -45);
const body = new SmlFramer().push(valid)[0]!;
if (body.kind !== 'file') throw new Error('fixture does not frame');

describe('SML decoder properties', () => {
  it('never throws on random bytes in random chunks and returns typed results', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
        expect(wellTyped(decodeChunks(chunks))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random file bodies with a valid frame around them (the TL parser sees the garbage)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (data) => {
        const outputs = decodeChunks([wrapFile(data)]);
        expect(outputs).toHaveLength(1);
        expect(wellTyped(outputs)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('survives mutated valid files: damaged fields give a message or a typed error', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (edits) => {
          const data = Uint8Array.from(body.bytes);
          for (const [at, value] of edits) data[at % data.length] = value;
          const outputs = decodeChunks([wrapFile(data)]);
          expect(outputs).toHaveLength(1);
          expect(wellTyped(outputs)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('survives bytes of a valid stream changed on the wire, cut anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (edits, cuts) => {
          const stream = concat(valid, valid, valid);
          for (const [at, value] of edits) stream[at % stream.length] = value;
          expect(wellTyped(decodeChunks(chunked(stream, cuts)))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the same results however a stream of files, damaged files and garbage is cut into chunks', () => {
    const damaged = valid.slice();
    damaged[damaged.length - 1]! ^= 0xff;
    const parts = [valid, damaged, valid.subarray(0, valid.length >> 1), START, Uint8Array.of(0x1b, 0x1b, 0x01)];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...parts), fc.uint8Array({ maxLength: 30 })), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (pieces, cuts) => {
          const stream = concat(...pieces);
          expect(decodeChunks(chunked(stream, cuts))).toEqual(decodeChunks([stream]));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('frames any data, escapes included, after garbage that holds no start, in any chunks', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.array(fc.constantFrom(0x1b, 0x00, 0x01, 0x1a, 0x42), { maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (garbage, data, cuts) => {
          fc.pre(!Buffer.from(concat(garbage, START.subarray(0, 7))).includes(Buffer.from(START)));
          const framer = new SmlFramer();
          const bytes = Uint8Array.from(data);
          const frames = [...chunked(concat(garbage, wrapFile(bytes)), cuts).flatMap((c) => framer.push(c))];
          const files = frames.filter((f) => f.kind === 'file');
          expect(files).toHaveLength(1);
          // The padding the encoder added is gone; the data comes back byte for byte.
          expect(Array.from(files[0]!.bytes)).toEqual(data);
        },
      ),
      { numRuns: 500 },
    );
  });
});
