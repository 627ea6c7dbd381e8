/**
 * The completeness check for bare data-notifications: stepping over tags and lengths as bytes arrive must agree with
 * the parser on every prefix, in both readings (plain tagged, Czech descriptors), or the link would wait for bytes
 * that never come or cut a push short.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeData, type DlmsData } from '../../../shared/protocols/dlms/axdr.ts';
import { AxdrExtent, INVALID, NEED_MORE, NOT_PLAIN } from '../../../shared/protocols/dlms/axdr-extent.ts';
import { encodeData, obisData } from '../../../shared/protocols/dlms/encode.ts';
import { BIG_PUSH, array, structure, text, u32 } from './fixtures.ts';

const czechPair = (classId: number, obis: string, value: DlmsData): DlmsData =>
  structure(
    { type: 'descriptor', classId, obis: (obisData(obis) as { value: Uint8Array }).value, attribute: 2 },
    value,
  );
const CZECH: DlmsData = structure(
  { type: 'enum', value: 1 },
  array(czechPair(1, '0-0:96.1.1', text('5100005149')), czechPair(3, '1-0:1.7.0', u32(1956))),
);
const BODIES = [encodeData(BIG_PUSH), encodeData(CZECH)];

/** Feeds `bytes` to a fresh extent one prefix at a time, as a slow line does, and checks each answer. */
function checkPrefixes(bytes: Uint8Array, descriptors: boolean): void {
  const extent = new AxdrExtent(0, descriptors);
  for (let n = 0; n <= bytes.length; n++) {
    const prefix = bytes.subarray(0, n);
    const answer = extent.advance(prefix);
    const parsed = decodeData(prefix, 0, { descriptors });
    if (answer === NEED_MORE) expect(parsed).toMatchObject({ ok: false, error: { kind: 'truncated' } });
    else if (answer === INVALID)
      expect(parsed.ok).toBe(false); // refused, or cut short where a count says so
    else if (answer !== NOT_PLAIN) expect(parsed).toMatchObject({ ok: true, end: answer });
    if (answer !== NEED_MORE) return; // settled: it stays
  }
}

describe('AxdrExtent', () => {
  it('finds the end of plain and Czech pushes exactly where the parser does, on every prefix', () => {
    for (const body of BODIES) for (const descriptors of [false, true]) checkPrefixes(body, descriptors);
    const plain = new AxdrExtent(0);
    expect(plain.advance(BODIES[0]!)).toBe(BODIES[0]!.length);
    const czech = new AxdrExtent(0, true);
    expect(czech.advance(BODIES[1]!)).toBe(BODIES[1]!.length);
  });

  it('agrees with the parser on damaged pushes and random bytes', () => {
    const damaged = fc
      .tuple(
        fc.constantFrom(...BODIES),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      )
      .map(([body, edits]) => {
        const copy = Uint8Array.from(body);
        for (const [at, value] of edits) copy[at % copy.length] = value;
        return copy;
      });
    fc.assert(
      fc.property(fc.oneof(damaged, fc.uint8Array({ maxLength: 64 })), fc.boolean(), (bytes, descriptors) =>
        checkPrefixes(bytes, descriptors),
      ),
      { numRuns: 500 },
    );
  });
});
