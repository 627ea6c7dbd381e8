/** roundValue skips the string round trip for values near a short decimal: it must still equal toPrecision(12). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundValue } from '../../../shared/profile/units.ts';

const viaString = (value: number) => {
  const rounded = Number(value.toPrecision(12));
  return rounded === 0 ? 0 : rounded;
};

describe('roundValue', () => {
  it('rounds to 12 significant digits exactly as toPrecision does', () => {
    const decimal = fc
      .tuple(fc.integer({ min: -1e15, max: 1e15 }), fc.integer({ min: 0, max: 9 }))
      .map(([n, places]) => n / 10 ** places);
    const scaled = fc
      .tuple(decimal, fc.constantFrom(1, 1000, 0.001, 1e6, 1 / 3600, 0.01))
      .map(([value, factor]) => value * factor);
    fc.assert(
      fc.property(fc.oneof(scaled, fc.double({ noNaN: true })), (value) => {
        expect(Object.is(roundValue(value), viaString(value))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});
