/** Property tests: random and mutated input never throws, never hangs, and fails only with typed errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeData } from '../../../shared/protocols/dlms/axdr.ts';
import { encodePush } from '../../../shared/protocols/dlms/encode.ts';
import { createDlmsDecoder } from '../../../shared/protocols/dlms/index.ts';
import type { DecodeOutput } from '../../../shared/protocols/types.ts';
import { BIG_PUSH, registerPush, u32 } from './fixtures.ts';

const KINDS = ['crc', 'truncated', 'decrypt', 'unsupported', 'syntax'];
const key = new Uint8Array(16).fill(7);
const cipher = { key, systemTitle: new TextEncoder().encode('KFMg1234'), invocationCounter: 1, securityControl: 0x20 };
const small = registerPush([['1-0:1.7.0', u32(5), 0, 27]]);

const valid = [
  encodePush(BIG_PUSH, { transport: 'hdlc', hdlc: { maxInfo: 90 } }),
  encodePush(small, { transport: 'mbus', cipher }),
  encodePush(BIG_PUSH, { transport: 'hdlc', gbtBlockSize: 64 }),
  encodePush(small, { transport: 'raw' }),
];

function decodeChunks(bytes: Uint8Array, cuts: number[]): DecodeOutput[] {
  const decoder = createDlmsDecoder({ key });
  const out: DecodeOutput[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...decoder.push(bytes.subarray(at, Math.max(at, cut))));
    at = Math.max(at, cut);
  }
  out.push(...decoder.push(bytes.subarray(at)), ...decoder.end());
  return out;
}

function wellFormed(out: DecodeOutput[]): boolean {
  return out.every((o) =>
    o.ok ? o.message.protocol === 'dlms' : KINDS.includes(o.error.kind) && o.error.message.length > 0,
  );
}

describe('robustness', () => {
  it('random bytes in random chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(600), { maxLength: 8 }), (bytes, cuts) => {
        expect(wellFormed(decodeChunks(bytes, cuts))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('valid pushes with bytes flipped, dropped or inserted', () => {
    const mutation = fc.record({
      which: fc.nat(valid.length - 1),
      at: fc.nat(2000),
      kind: fc.constantFrom('flip', 'drop', 'insert'),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(2000), { maxLength: 6 }),
        (mutations, cuts) => {
          const bytes = Array.from(valid[mutations[0]!.which]!);
          for (const m of mutations) {
            const at = m.at % (bytes.length + 1);
            if (m.kind === 'flip' && at < bytes.length) bytes[at]! ^= m.byte || 1;
            if (m.kind === 'drop') bytes.splice(at, 1);
            if (m.kind === 'insert') bytes.splice(at, 0, m.byte);
          }
          expect(wellFormed(decodeChunks(Uint8Array.from(bytes), cuts))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('A-XDR decoding of random bytes returns a value or a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, descriptors) => {
        const result = decodeData(bytes, 0, { descriptors });
        expect(result.ok ? result.end <= bytes.length : KINDS.includes(result.error.kind)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('finishes quickly on a long stream of frame-like garbage', () => {
    const junk = new Uint8Array(200_000);
    for (let i = 0; i < junk.length; i++) junk[i] = [0x7e, 0xa8, 0x0f, 0x68, 0xdb, 0xe0][i % 6]!;
    const started = performance.now();
    const out = decodeChunks(junk, [1000, 50_000, 120_000]);
    expect(wellFormed(out)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('bare APDUs from noise', () => {
  it('are not pushes when they name no OBIS code (random bytes parse as one nameless value now and then)', () => {
    const nameless = encodePush({ type: 'unsigned', value: 87 }, { transport: 'raw' });
    const [out] = createDlmsDecoder().push(nameless);
    expect(out).toMatchObject({ ok: false, error: { kind: 'syntax' } });
    expect(createDlmsDecoder().push(encodePush(small, { transport: 'raw' }))[0]?.ok).toBe(true);
    expect(createDlmsDecoder().push(encodePush({ type: 'unsigned', value: 87 }, { transport: 'hdlc' }))[0]?.ok).toBe(
      true,
    );
  });
});
