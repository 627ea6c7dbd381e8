/** Random and mutated wireless M-Bus streams never throw, never hang and only yield messages or typed errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodeOutput } from '../../../shared/protocols/types.ts';
import { addCrcs } from '../../../shared/protocols/wmbus/link.ts';
import { encodeAmberTelegram } from '../../../shared/protocols/wmbus/sticks/amber.ts';
import { encodeHciTelegram } from '../../../shared/protocols/wmbus/sticks/im871a.ts';
import { WMBUS_STICKS } from '../../../shared/protocols/wmbus/sticks/index.ts';
import { concat, decodeAll, heatFrame, KEY, waterFrame } from './fixtures.ts';

const KINDS = ['crc', 'truncated', 'decrypt', 'unsupported', 'syntax'];

function wellTyped(outputs: DecodeOutput[]): boolean {
  return outputs.every((o) =>
    o.ok
      ? o.message.protocol === 'wmbus' && Array.isArray(o.message.values)
      : KINDS.includes(o.error.kind) && o.error.message.length > 0,
  );
}

function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length));
}

const FRAMES = [
  waterFrame(),
  heatFrame({ header: 'long' }),
  waterFrame({ security: { mode: 5, key: KEY } }),
  heatFrame({ security: { mode: 7, key: KEY, counter: 77 } }),
  waterFrame({ header: 'none', ell: { sessionNumber: 5, key: KEY } }),
  waterFrame({ compact: true }),
];

describe('wireless M-Bus decoder properties', () => {
  it('never throws on random bytes in random chunks and returns typed results', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
        expect(wellTyped(decodeAll(chunks, { key: KEY }))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('survives mutated valid frames (plain, long header, mode 5, mode 7, ELL, compact): a message or a typed error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FRAMES),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (frame, edits) => {
          const data = Uint8Array.from(frame);
          for (const [at, value] of edits) data[1 + (at % (data.length - 1))] = value;
          expect(wellTyped(decodeAll([data], { key: KEY }))).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('decodes the same messages however a CRC stream is split', () => {
    const stream = concat(FRAMES.map((f) => addCrcs(f, 'A')));
    const whole = decodeAll([stream], { key: KEY });
    expect(whole.every((o) => o.ok)).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        expect(decodeAll(chunked(stream, cuts), { key: KEY })).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it("with a USB stick's framing: random, mutated and cut streams give typed results, whole ones the same messages however split", () => {
    const wrapped = {
      im871a: concat(FRAMES.map((f, i) => encodeHciTelegram(f, i % 2 ? { rssi: i } : { crc: i % 3 === 0 }))),
      amber: concat(FRAMES.map((f, i) => encodeAmberTelegram(f, 0x30 + i))),
      raw: concat(FRAMES),
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...WMBUS_STICKS),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.uint8Array({ maxLength: 40 }),
        (stick, edits, cuts, noise) => {
          const whole = decodeAll([wrapped[stick]], { key: KEY, wmbusStick: stick });
          expect(whole.filter((o) => o.ok)).toHaveLength(FRAMES.length);
          expect(decodeAll(chunked(wrapped[stick], cuts), { key: KEY, wmbusStick: stick })).toEqual(whole);
          const data = concat([noise, wrapped[stick]]);
          for (const [at, value] of edits) data[at % data.length] = value;
          expect(wellTyped(decodeAll(chunked(data, cuts), { key: KEY, wmbusStick: stick }))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
