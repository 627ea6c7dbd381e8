import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesCbcDecrypt, aesCbcEncrypt } from '../../../shared/crypto/cbc.ts';
import { aesCmac } from '../../../shared/crypto/cmac.ts';

const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

const KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const PLAIN = [
  '6bc1bee22e409f96e93d7e117393172a',
  'ae2d8a571e03ac9c9eb76fac45af8e51',
  '30c81c46a35ce411e5fbc1191a0a52ef',
  'f69f2445df4f9b17ad2b417be66c3710',
];

describe('AES-128-CBC', () => {
  // NIST SP 800-38A F.2.1 / F.2.2.
  const iv = hex('000102030405060708090a0b0c0d0e0f');
  const cipher = [
    '7649abac8119b246cee98e9b12e9197d',
    '5086cb9b507219ee95db113a917678b2',
    '73bed6b8e3c1743b7116e69e22229516',
    '3ff1caa1681fac09120eca307586e1a7',
  ].join('');

  it('encrypts the SP 800-38A example', () => {
    expect(toHex(aesCbcEncrypt(hex(KEY), iv, hex(PLAIN.join(''))))).toBe(cipher);
  });

  it('decrypts the SP 800-38A example', () => {
    expect(toHex(aesCbcDecrypt(hex(KEY), iv, hex(cipher)))).toBe(PLAIN.join(''));
  });

  it('agrees with node:crypto on random keys, IVs and lengths', () => {
    for (let i = 0; i < 40; i++) {
      const key = randomBytes(16);
      const ivBytes = randomBytes(16);
      const data = randomBytes(16 * (1 + (i % 8)));
      const node = createCipheriv('aes-128-cbc', key, ivBytes).setAutoPadding(false);
      const expected = Buffer.concat([node.update(data), node.final()]);
      expect(toHex(aesCbcEncrypt(key, ivBytes, data))).toBe(expected.toString('hex'));
      expect(toHex(aesCbcDecrypt(key, ivBytes, expected))).toBe(data.toString('hex'));
    }
  });

  it('refuses partial blocks and short IVs with a RangeError', () => {
    expect(() => aesCbcDecrypt(hex(KEY), iv, new Uint8Array(15))).toThrow(RangeError);
    expect(() => aesCbcEncrypt(hex(KEY), new Uint8Array(8), new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('AES-CMAC', () => {
  // NIST SP 800-38B D.1 (AES-128), examples 1 to 4.
  it.each([
    [0, 'bb1d6929e95937287fa37d129b756746'],
    [16, '070a16b46b4d4144f79bdd9dd04a287c'],
    [40, 'dfa66747de9ae63030ca32611497c827'],
    [64, '51f0bebf7e3b9d92fc49741779363cfe'],
  ])('matches the SP 800-38B example of %i bytes', (length, tag) => {
    expect(toHex(aesCmac(hex(KEY), hex(PLAIN.join('')).subarray(0, length)))).toBe(tag);
  });
});
