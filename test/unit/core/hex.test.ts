import { describe, expect, it } from 'vitest';
import { parseHex, toHex } from '../../../shared/protocols/hex.ts';

describe('hex as users paste it', () => {
  it('accepts spaces, colons, line breaks and 0x prefixes', () => {
    const r = parseHex('0x7E A0:0b\n  e6 e7-00');
    expect(r).toEqual({ ok: true, bytes: new Uint8Array([0x7e, 0xa0, 0x0b, 0xe6, 0xe7, 0x00]) });
  });

  it('names the first character that is not hex instead of dropping it', () => {
    expect(parseHex('7e a0 zz')).toEqual({ ok: false, message: "not a hex digit: 'z'" });
    expect(parseHex('a0x1')).toMatchObject({ ok: false });
  });

  it('refuses an odd number of digits', () => {
    expect(parseHex('7ea')).toMatchObject({ ok: false, message: expect.stringContaining('odd') });
  });

  it('round-trips through toHex', () => {
    expect(toHex(new Uint8Array([0, 1, 0xab, 0xff]))).toBe('0001ABFF');
  });
});
