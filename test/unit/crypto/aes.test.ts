import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Aes } from '../../../shared/crypto/aes.ts';

const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('AES block encryption', () => {
  // FIPS-197 Appendix C: the same plaintext under 128-, 192- and 256-bit keys 00 01 02 ...
  it.each([
    ['000102030405060708090a0b0c0d0e0f', '69c4e0d86a7b0430d8cdb78070b4c55a'],
    ['000102030405060708090a0b0c0d0e0f1011121314151617', 'dda97ca4864cdfe06eaf70a0ec0d7191'],
    ['000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', '8ea2b7ca516745bfeafc49904b496089'],
  ])('matches the FIPS-197 example for key %s', (key, expected) => {
    const aes = new Aes(hex(key));
    expect(toHex(aes.encryptBlock(hex('00112233445566778899aabbccddeeff')))).toBe(expected);
  });

  it.each([16, 24, 32])('agrees with node:crypto on random %i-byte keys and blocks', (keyLength) => {
    for (let i = 0; i < 50; i++) {
      const key = randomBytes(keyLength);
      const block = randomBytes(16);
      const cipher = createCipheriv(`aes-${keyLength * 8}-ecb`, key, null).setAutoPadding(false);
      const expected = Buffer.concat([cipher.update(block), cipher.final()]);
      expect(toHex(new Aes(key).encryptBlock(block))).toBe(expected.toString('hex'));
    }
  });

  it('rejects keys and blocks of the wrong size', () => {
    expect(() => new Aes(new Uint8Array(15))).toThrow(RangeError);
    expect(() => new Aes(new Uint8Array(16)).encryptBlock(new Uint8Array(8))).toThrow(RangeError);
  });
});
