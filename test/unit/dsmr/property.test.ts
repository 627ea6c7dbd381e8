/** Whatever bytes arrive, in whatever chunks, the decoder returns typed results: it never throws and never hangs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encipherApdu } from '../../../shared/protocols/dlms/ciphering.ts';
import { createDsmrDecoder, parseTelegram } from '../../../shared/protocols/dsmr/index.ts';
import type { DecodeOutput } from '../../../shared/protocols/types.ts';
import { am550Telegram } from './fixtures.ts';

const KINDS = ['crc', 'truncated', 'decrypt', 'unsupported', 'syntax'];

function wellTyped(out: DecodeOutput): boolean {
  if (out.ok) return out.message.protocol === 'dsmr' && Array.isArray(out.message.values);
  return KINDS.includes(out.error.kind) && out.error.message.length > 0;
}

const key = new Uint8Array(16).fill(0x42);

function run(bytes: Uint8Array, cuts: number[]): DecodeOutput[] {
  const decoder = createDsmrDecoder({ key, authKey: key, timeZone: 'Europe/Amsterdam' });
  const out: DecodeOutput[] = [];
  let from = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    out.push(...decoder.push(bytes.subarray(from, Math.max(from, cut))));
    from = Math.max(from, cut);
  }
  return [...out, ...decoder.push(bytes.subarray(from)), ...decoder.end()];
}

const telegram = am550Telegram();
const ciphered = encipherApdu(telegram, { key, authKey: key, systemTitle: new Uint8Array(8), invocationCounter: 1 });
/** Bytes that steer the framer and parser: frame starts, line structure, group syntax, the ciphering tag. */
const interesting = fc.constantFrom(0x2f, 0x21, 0x0a, 0x0d, 0x28, 0x29, 0x2a, 0xdb, 0x08, 0x82, 0x30, 0x3a, 0x2d, 0x2e);
const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), interesting);

const mutationsOf = (original: Uint8Array) =>
  fc.array(fc.tuple(fc.nat(), byte, fc.constantFrom('set', 'insert', 'delete')), { maxLength: 12 }).map((edits) => {
    const bytes = Array.from(original);
    for (const [at, value, op] of edits) {
      const i = at % (bytes.length + 1);
      if (op === 'set') bytes[i] = value;
      else if (op === 'insert') bytes.splice(i, 0, value);
      else bytes.splice(i, 1);
    }
    return Uint8Array.from(bytes);
  });
const mutated = mutationsOf(telegram);

describe('DSMR decoder robustness', () => {
  it('returns typed results for random bytes in random chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) =>
        run(bytes, cuts).every(wellTyped),
      ),
      { numRuns: 400 },
    );
  });

  it('returns typed results for streams built from frame-like pieces', () => {
    const piece = fc.oneof(
      fc.constant(telegram),
      fc.constant(ciphered),
      mutationsOf(ciphered),
      fc.uint8Array({ maxLength: 40 }),
      fc.array(byte, { maxLength: 30 }).map((b) => Uint8Array.from(b)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), (pieces, cuts) => {
        const bytes = Uint8Array.from(pieces.flatMap((p) => Array.from(p)));
        return run(bytes, cuts).every(wellTyped);
      }),
      { numRuns: 300 },
    );
  });

  it('parses mutated telegrams to a message or a typed error, whichever chunking', () => {
    fc.assert(
      fc.property(mutated, fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        expect(wellTyped(parseTelegram(bytes))).toBe(true);
        const chunked = run(bytes, cuts);
        expect(chunked.every(wellTyped)).toBe(true);
        expect(run(bytes, [])).toEqual(chunked);
      }),
      { numRuns: 500 },
    );
  });
});
