/** The hand-written scanners read lines and decimals exactly as the plain regex and split/trim readings do. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimal, splitCosemLines } from '../../../shared/protocols/dsmr/cosem-line.ts';

const latin1Text = (alphabet: string) =>
  fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }).map((chars) => chars.join(''));

describe('COSEM line syntax', () => {
  it('reads a decimal exactly when it matches [-+]digits[.digits]', () => {
    fc.assert(
      fc.property(latin1Text('0123456789.+-e x'), (text) => {
        const expected = /^[-+]?\d+(\.\d+)?$/.test(text) ? Number(text) : null;
        expect(parseDecimal(text)).toBe(expected);
      }),
    );
  });

  it('splits lines as split, strip CR and trim would', () => {
    fc.assert(
      fc.property(latin1Text('1-0:1.8.0(*kWh)\r\n\t \u00a0\u0085x'), (body) => {
        const reference = body
          .split('\n')
          .map((raw) => raw.replace(/\r$/, '').trim())
          .filter((t) => t !== '');
        const seen = splitCosemLines(reference.join('\n'));
        expect(splitCosemLines(body)).toEqual(seen);
      }),
    );
  });
});
