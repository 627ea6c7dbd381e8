/** The byte scanners read lines and decimals exactly as the plain regex and split/trim readings do. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDecimal } from '../../../shared/protocols/dsmr/cosem-line.ts';
import { parseTelegram } from '../../../shared/protocols/dsmr/telegram.ts';
import { latin1Bytes } from '../../../shared/protocols/dsmr/text.ts';

const latin1Text = (alphabet: string, maxLength = 60) =>
  fc.array(fc.constantFrom(...alphabet), { maxLength }).map((chars) => chars.join(''));

/** A telegram without CRC around `body`, its lines ending in CRLF. */
const telegram = (body: string) => latin1Bytes(`/XMX5TEST\r\n\r\n${body}\r\n!\r\n`);

describe('COSEM line syntax', () => {
  it('reads a decimal exactly when it matches [-+]digits[.digits]', () => {
    fc.assert(
      fc.property(latin1Text('0123456789.+-e x', 40), (text) => {
        const expected = /^[-+]?\d+(\.\d+)?$/.test(text) ? Number(text) : null;
        expect(readDecimal(latin1Bytes(text), 0, text.length)).toBe(expected);
      }),
    );
  });

  it('reads long and finely divided decimals as Number() does', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?\d{1,30}\.\d{1,30}$/), (text) => {
        expect(readDecimal(latin1Bytes(text), 0, text.length)).toBe(Number(text));
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
        const values = (out: ReturnType<typeof parseTelegram>) => (out.ok ? out.message.values : out.error.kind);
        expect(values(parseTelegram(telegram(body)))).toEqual(values(parseTelegram(telegram(reference.join('\n')))));
      }),
    );
  });
});
