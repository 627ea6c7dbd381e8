/** The fast integer and BCD readers agree with plain reference readings (BigInt, digit strings) on any bytes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hex, readBcd, readInt } from '../../../shared/protocols/mbus/values.ts';

const ordered = (bytes: Uint8Array, bigEndian: boolean) => (bigEndian ? [...bytes] : [...bytes].reverse());

describe('M-Bus data codings', () => {
  it('reads integers of 1 to 8 bytes as two-complement or unsigned, either byte order', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.boolean(), fc.boolean(), (bytes, big, unsigned) => {
        const value = ordered(bytes, big).reduce((v, b) => (v << 8n) | BigInt(b), 0n);
        const expected = Number(unsigned ? value : BigInt.asIntN(bytes.length * 8, value));
        expect(readInt(bytes, big, unsigned)).toBe(expected);
      }),
    );
  });

  it('reads BCD as its digits, F on top as negative, other hex nibbles as the digit text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9 }), fc.boolean(), (bytes, big) => {
        const digits = hex(Uint8Array.from(ordered(bytes, big))).replace(/ /g, '');
        const negative = digits.startsWith('F');
        const magnitude = negative ? digits.slice(1) : digits;
        const expected = /^\d*$/.test(magnitude) ? (negative ? -1 : 1) * Number(magnitude || '0') : digits;
        expect(readBcd(bytes, big)).toBe(expected);
      }),
    );
  });
});
