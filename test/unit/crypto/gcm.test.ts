import { createCipheriv, randomBytes, randomInt, type CipherGCMTypes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesGcmDecrypt, aesGcmEncrypt } from '../../../shared/crypto/gcm.ts';

const hex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function nodeGcm(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, tagLength: number) {
  const cipher = createCipheriv(`aes-${key.length * 8}-gcm` as CipherGCMTypes, key, iv, { authTagLength: tagLength });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext: ciphertext.toString('hex'), tag: cipher.getAuthTag().toString('hex') };
}

// The AES-128 test cases of the GCM specification (McGrew & Viega), as used for SP 800-38D validation.
const K = 'feffe9928665731c6d6a8f9467308308';
const P =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
  '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const P60 = P.slice(0, 120);
const A = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
const C3 =
  '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e' +
  '21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985';
const nist = [
  {
    name: '1 (empty)',
    key: '0'.repeat(32),
    iv: '0'.repeat(24),
    p: '',
    a: '',
    c: '',
    t: '58e2fccefa7e3061367f1d57a4e7455a',
  },
  {
    name: '2 (one zero block)',
    key: '0'.repeat(32),
    iv: '0'.repeat(24),
    p: '0'.repeat(32),
    a: '',
    c: '0388dace60b6a392f328c2b971b2fe78',
    t: 'ab6e47d42cec13bdf53a67b21257bddf',
  },
  {
    name: '3 (four blocks)',
    key: K,
    iv: 'cafebabefacedbaddecaf888',
    p: P,
    a: '',
    c: C3,
    t: '4d5c2af327cd64a62cf35abd2ba6fab4',
  },
  {
    name: '4 (AAD, partial block)',
    key: K,
    iv: 'cafebabefacedbaddecaf888',
    p: P60,
    a: A,
    c: C3.slice(0, 120),
    t: '5bc94fbc3221a5db94fae95ae7121a47',
  },
  {
    name: '5 (64-bit IV)',
    key: K,
    iv: 'cafebabefacedbad',
    p: P60,
    a: A,
    c:
      '61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423' +
      '73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598',
    t: '3612d2e79e3b0785561be14aaca2fccb',
  },
  {
    name: '6 (480-bit IV)',
    key: K,
    iv:
      '9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728' +
      'c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b',
    p: P60,
    a: A,
    c:
      '8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca7' +
      '01e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5',
    t: '619cc5aefffe0bfa462af43c1699d050',
  },
];

describe('AES-GCM', () => {
  it.each(nist)('reproduces GCM test case $name', ({ key, iv, p, a, c, t }) => {
    const sealed = aesGcmEncrypt(hex(key), hex(iv), hex(p), hex(a));
    expect(toHex(sealed.ciphertext)).toBe(c);
    expect(toHex(sealed.tag)).toBe(t);
    expect(toHex(aesGcmDecrypt(hex(key), hex(iv), hex(c), hex(t), hex(a))!)).toBe(p);
  });

  it('agrees with node:crypto over random keys, IVs, AAD, lengths and tag lengths', () => {
    const lengths = [0, 1, 15, 16, 17, 31, 32, 33, 100, 255, 1000];
    for (let i = 0; i < 300; i++) {
      const key = randomBytes([16, 24, 32][i % 3]!);
      const iv = randomBytes(i % 5 === 0 ? randomInt(1, 40) : 12);
      const plaintext = randomBytes(i < lengths.length ? lengths[i]! : randomInt(0, 200));
      const aad = randomBytes(randomInt(0, 50));
      const tagLength = [16, 12, 15, 14, 13, 8, 4][i % 7]!;
      const sealed = aesGcmEncrypt(key, iv, plaintext, aad, tagLength);
      const expected = nodeGcm(key, iv, plaintext, aad, tagLength);
      expect({ ciphertext: toHex(sealed.ciphertext), tag: toHex(sealed.tag) }).toEqual(expected);
      expect(toHex(aesGcmDecrypt(key, iv, sealed.ciphertext, sealed.tag, aad)!)).toBe(plaintext.toString('hex'));
    }
  });

  it('wraps only the low 32 bits of the counter block (inc32)', () => {
    // An IV whose J0 ends in FFFFFFFF is rare, so find one: GHASH of a non-96-bit IV sets J0's low word.
    const key = randomBytes(16);
    const plaintext = randomBytes(64);
    for (let i = 0; i < 20; i++) {
      const iv = randomBytes(16);
      const sealed = aesGcmEncrypt(key, iv, plaintext);
      expect(toHex(sealed.ciphertext)).toBe(nodeGcm(key, iv, plaintext, new Uint8Array(0), 16).ciphertext);
    }
  });

  describe('rejects what was not sealed with this key, IV and AAD', () => {
    const key = randomBytes(16);
    const iv = randomBytes(12);
    const plaintext = randomBytes(40);
    const aad = randomBytes(17);
    const { ciphertext, tag } = aesGcmEncrypt(key, iv, plaintext, aad, 12);
    const flip = (bytes: Uint8Array, index: number) => {
      const copy = Uint8Array.from(bytes);
      copy[index]! ^= 0x01;
      return copy;
    };

    it.each([
      ['tag', () => aesGcmDecrypt(key, iv, ciphertext, flip(tag, 11), aad)],
      ['ciphertext', () => aesGcmDecrypt(key, iv, flip(ciphertext, 39), tag, aad)],
      ['AAD', () => aesGcmDecrypt(key, iv, ciphertext, tag, flip(aad, 0))],
      ['IV', () => aesGcmDecrypt(key, flip(iv, 5), ciphertext, tag, aad)],
      ['key', () => aesGcmDecrypt(flip(key, 0), iv, ciphertext, tag, aad)],
      ['truncated tag', () => aesGcmDecrypt(key, iv, ciphertext, tag.subarray(0, 8), flip(aad, 0))],
    ])('a changed %s', (_name, decrypt) => {
      expect(decrypt()).toBeNull();
    });

    it('but accepts the untouched message', () => {
      expect(toHex(aesGcmDecrypt(key, iv, ciphertext, tag, aad)!)).toBe(plaintext.toString('hex'));
    });
  });

  it('stays correct when more keys are used than it caches', () => {
    const keys = Array.from({ length: 40 }, () => randomBytes(16));
    const iv = randomBytes(12);
    const plaintext = randomBytes(33);
    for (const round of [0, 1]) {
      for (const key of round ? keys.slice().reverse() : keys) {
        const sealed = aesGcmEncrypt(key, iv, plaintext, undefined, 12);
        expect(toHex(sealed.tag)).toBe(nodeGcm(key, iv, plaintext, new Uint8Array(0), 12).tag);
      }
    }
  });

  it('uses the key bytes of each call, even when the caller reuses its key buffer', () => {
    const key = randomBytes(16);
    const iv = randomBytes(12);
    const plaintext = randomBytes(20);
    aesGcmEncrypt(key, iv, plaintext);
    key[0]! ^= 0xff;
    expect(toHex(aesGcmEncrypt(key, iv, plaintext).tag)).toBe(nodeGcm(key, iv, plaintext, new Uint8Array(0), 16).tag);
  });

  it('with tag length 0 is plain CTR from J0+1 and verifies nothing', () => {
    const key = randomBytes(16);
    const iv = randomBytes(12);
    const plaintext = randomBytes(50);
    const sealed = aesGcmEncrypt(key, iv, plaintext, randomBytes(9), 0);
    expect(sealed.tag.length).toBe(0);
    expect(toHex(sealed.ciphertext)).toBe(nodeGcm(key, iv, plaintext, new Uint8Array(0), 16).ciphertext);
    expect(toHex(aesGcmDecrypt(key, iv, sealed.ciphertext, new Uint8Array(0))!)).toBe(plaintext.toString('hex'));
  });

  it('rejects invalid parameters with RangeError', () => {
    const key = new Uint8Array(16);
    expect(() => aesGcmEncrypt(new Uint8Array(20), new Uint8Array(12), new Uint8Array(1))).toThrow(RangeError);
    expect(() => aesGcmEncrypt(key, new Uint8Array(0), new Uint8Array(1))).toThrow(RangeError);
    expect(() => aesGcmEncrypt(key, new Uint8Array(12), new Uint8Array(1), undefined, 17)).toThrow(RangeError);
    expect(() => aesGcmDecrypt(key, new Uint8Array(12), new Uint8Array(1), new Uint8Array(17))).toThrow(RangeError);
  });
});
