/**
 * Hostile input through the one entry point every source uses: random bytes, and real frames of every dialect
 * mutated, cut and spliced, in arbitrary chunks. Never an exception, only typed results.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder, type ProtocolChoice } from '../../../shared/protocols/decode.ts';
import type { DecodeOutput } from '../../../shared/protocols/types.ts';
import { Household, SIMULATED_METERS, type WireMeter } from '../../../shared/simulator/index.ts';

const key = new Uint8Array(16).fill(7);
const household = new Household(1_780_000_000, 9);
const wireMeters = Object.values(SIMULATED_METERS).flatMap((make) => {
  const meter = make({ key, authKey: key });
  return meter.kind === 'wire' ? [meter] : [];
});
const render = (meter: WireMeter) => meter.render(household.at(1_780_000_000 + 60), 1);
const frames = wireMeters.map(render);
/** What auto-detection tries: IEC 62056-21 and wireless M-Bus have no checksum or start mark to prove them by. */
const autoFrames = wireMeters.filter((meter) => !meter.protocol).map(render);
const KINDS = new Set(['crc', 'truncated', 'decrypt', 'unsupported', 'syntax']);

function wellTyped(out: DecodeOutput): boolean {
  if (out.ok) return typeof out.message.protocol === 'string' && Array.isArray(out.message.values);
  return KINDS.has(out.error.kind) && typeof out.error.message === 'string' && out.error.message.length > 0;
}

/** A stream: pieces of real frames (possibly mutated) and random bytes, cut into chunks. */
const stream = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc
        .record({
          frame: fc.constantFrom(...frames),
          flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
          cut: fc.nat(),
        })
        .map(({ frame, flips, cut }) => {
          const copy = frame.slice(0, frame.length - (cut % 8 === 0 ? cut % frame.length : 0));
          for (const [at, x] of flips) if (copy.length) copy[at % copy.length]! ^= x;
          return copy;
        }),
    ),
    { maxLength: 6 },
  )
  .chain((parts) => fc.tuple(fc.constant(parts), fc.integer({ min: 1, max: 97 })));

describe('every decoder, fed hostile streams', () => {
  it.each(['auto', 'dsmr', 'dlms', 'mbus'] as ProtocolChoice[])('%s: never throws, only typed results', (protocol) => {
    fc.assert(
      fc.property(stream, ([parts, chunkSize]) => {
        const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
        const decoder = createDecoder(protocol, { key });
        const outputs: DecodeOutput[] = [];
        for (let at = 0; at < all.length; at += chunkSize)
          outputs.push(...decoder.push(all.subarray(at, at + chunkSize)));
        outputs.push(...decoder.end());
        expect(outputs.every(wellTyped)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('auto still decodes every intact frame of every dialect it tries', () => {
    expect(autoFrames.length).toBeGreaterThan(5);
    for (const frame of autoFrames) {
      const decoder = createDecoder('auto', { key, authKey: key });
      expect([...decoder.push(frame), ...decoder.end()]).toEqual([expect.objectContaining({ ok: true })]);
    }
  });
});
