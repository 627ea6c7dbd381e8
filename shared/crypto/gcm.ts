/**
 * AES-GCM (NIST SP 800-38D): CTR encryption from inc32(J0) and a GHASH tag over the AAD and the ciphertext.
 *
 * GHASH multiplies by H with a per-key table: for each of the 16 byte positions of a block and each byte value, the
 * product of H with that byte at that position (64 KiB per key). A block multiply is then 16 look-ups and XORs.
 * The expanded key and its table are cached per key, since every push of a meter is deciphered with the same key.
 * Words are kept in Int32Arrays: V8 holds signed 32-bit values unboxed, and XOR only cares about the bits.
 */

import { Aes } from './aes.ts';

export interface GcmSealed {
  ciphertext: Uint8Array;
  tag: Uint8Array;
}

interface GcmKey {
  /** A copy of the key bytes, to find this state again. */
  key: Uint8Array;
  aes: Aes;
  table: Int32Array;
}

const EMPTY = new Uint8Array(0);
/** Enough for a bridge reading many meters; the least recently used key is dropped beyond it. */
const MAX_CACHED_KEYS = 16;
/** Most recently used first. */
const keyCache: GcmKey[] = [];

// Scratch words for one call at a time (JavaScript runs these functions to completion, never interleaved).
const keystream = new Int32Array(4);
const hashState = new Int32Array(4);
const tagMask = new Int32Array(4);

function gcmKey(key: Uint8Array): GcmKey {
  for (let i = 0; i < keyCache.length; i++) {
    const state = keyCache[i]!;
    if (sameBytes(state.key, key)) {
      if (i > 0) keyCache.unshift(...keyCache.splice(i, 1));
      return state;
    }
  }
  const aes = new Aes(key);
  const h = new Int32Array(4);
  aes.encryptWords(0, 0, 0, 0, h);
  // A copy, not key.slice(): on a Node Buffer slice() is a view, and a caller reusing it would poison the cache.
  const state = { key: new Uint8Array(key), aes, table: ghashTable(h) };
  keyCache.unshift(state);
  if (keyCache.length > MAX_CACHED_KEYS) keyCache.pop();
  return state;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Table of H·x^(8i+t) combinations. In GCM's bit order the first bit of a block is the x^0 coefficient, so the
 * byte at position i holds x^(8i)..x^(8i+7), most significant bit first, and multiplying by x is a right shift
 * with reduction by R = 11100001 || 0^120.
 */
function ghashTable(h: Int32Array): Int32Array {
  const table = new Int32Array(16 * 256 * 4);
  let v0 = h[0]!;
  let v1 = h[1]!;
  let v2 = h[2]!;
  let v3 = h[3]!;
  for (let i = 0; i < 16; i++) {
    const base = i << 10;
    for (let bit = 0x80; bit > 0; bit >>>= 1) {
      const o = base + (bit << 2);
      table[o] = v0;
      table[o + 1] = v1;
      table[o + 2] = v2;
      table[o + 3] = v3;
      const carry = v3 & 1;
      v3 = (v3 >>> 1) | (v2 << 31);
      v2 = (v2 >>> 1) | (v1 << 31);
      v1 = (v1 >>> 1) | (v0 << 31);
      v0 = (v0 >>> 1) ^ (carry ? 0xe1000000 : 0);
    }
    // Every other byte value is the XOR of its single-bit entries (multiplication distributes over XOR).
    for (let b = 3; b < 256; b++) {
      const low = b & -b;
      if (low === b) continue;
      const o = base + (b << 2);
      const a = base + ((b ^ low) << 2);
      const c = base + (low << 2);
      for (let j = 0; j < 4; j++) table[o + j] = table[a + j]! ^ table[c + j]!;
    }
  }
  return table;
}

/** Folds `data` into the GHASH state `y`, 16 bytes at a time, zero-padding a final partial block. */
function ghashUpdate(table: Int32Array, y: Int32Array, data: Uint8Array): void {
  const whole = data.length & ~15;
  let p = 0;
  for (; p < whole; p += 16) {
    y[0] = y[0]! ^ ((data[p]! << 24) | (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!);
    y[1] = y[1]! ^ ((data[p + 4]! << 24) | (data[p + 5]! << 16) | (data[p + 6]! << 8) | data[p + 7]!);
    y[2] = y[2]! ^ ((data[p + 8]! << 24) | (data[p + 9]! << 16) | (data[p + 10]! << 8) | data[p + 11]!);
    y[3] = y[3]! ^ ((data[p + 12]! << 24) | (data[p + 13]! << 16) | (data[p + 14]! << 8) | data[p + 15]!);
    multiplyH(table, y);
  }
  if (p < data.length) {
    for (let q = p; q < data.length; q++) {
      const j = (q - p) >> 2;
      y[j] = y[j]! ^ (data[q]! << (24 - 8 * ((q - p) & 3)));
    }
    multiplyH(table, y);
  }
}

/**
 * y = y·H: the XOR of one table row per byte of y. Written out in full, as this is the hot loop of GHASH and V8
 * runs the straight-line form about twice as fast as nested loops. `oN` is the row of byte N: its position times
 * 1024 words, plus the byte value times 4 words.
 */
// prettier-ignore
function multiplyH(t: Int32Array, y: Int32Array): void {
  const w0 = y[0]!, w1 = y[1]!, w2 = y[2]!, w3 = y[3]!;
  const o0 = (w0 >>> 22) & 1020, o1 = 1024 | ((w0 >>> 14) & 1020),
    o2 = 2048 | ((w0 >>> 6) & 1020), o3 = 3072 | ((w0 << 2) & 1020);
  const o4 = 4096 | ((w1 >>> 22) & 1020), o5 = 5120 | ((w1 >>> 14) & 1020),
    o6 = 6144 | ((w1 >>> 6) & 1020), o7 = 7168 | ((w1 << 2) & 1020);
  const o8 = 8192 | ((w2 >>> 22) & 1020), o9 = 9216 | ((w2 >>> 14) & 1020),
    o10 = 10240 | ((w2 >>> 6) & 1020), o11 = 11264 | ((w2 << 2) & 1020);
  const o12 = 12288 | ((w3 >>> 22) & 1020), o13 = 13312 | ((w3 >>> 14) & 1020),
    o14 = 14336 | ((w3 >>> 6) & 1020), o15 = 15360 | ((w3 << 2) & 1020);
  y[0] = t[o0]! ^ t[o1]! ^ t[o2]! ^ t[o3]! ^ t[o4]! ^ t[o5]! ^ t[o6]! ^ t[o7]! ^
    t[o8]! ^ t[o9]! ^ t[o10]! ^ t[o11]! ^ t[o12]! ^ t[o13]! ^ t[o14]! ^ t[o15]!;
  y[1] = t[o0 + 1]! ^ t[o1 + 1]! ^ t[o2 + 1]! ^ t[o3 + 1]! ^ t[o4 + 1]! ^ t[o5 + 1]! ^ t[o6 + 1]! ^ t[o7 + 1]! ^
    t[o8 + 1]! ^ t[o9 + 1]! ^ t[o10 + 1]! ^ t[o11 + 1]! ^ t[o12 + 1]! ^ t[o13 + 1]! ^ t[o14 + 1]! ^ t[o15 + 1]!;
  y[2] = t[o0 + 2]! ^ t[o1 + 2]! ^ t[o2 + 2]! ^ t[o3 + 2]! ^ t[o4 + 2]! ^ t[o5 + 2]! ^ t[o6 + 2]! ^ t[o7 + 2]! ^
    t[o8 + 2]! ^ t[o9 + 2]! ^ t[o10 + 2]! ^ t[o11 + 2]! ^ t[o12 + 2]! ^ t[o13 + 2]! ^ t[o14 + 2]! ^ t[o15 + 2]!;
  y[3] = t[o0 + 3]! ^ t[o1 + 3]! ^ t[o2 + 3]! ^ t[o3 + 3]! ^ t[o4 + 3]! ^ t[o5 + 3]! ^ t[o6 + 3]! ^ t[o7 + 3]! ^
    t[o8 + 3]! ^ t[o9 + 3]! ^ t[o10 + 3]! ^ t[o11 + 3]! ^ t[o12 + 3]! ^ t[o13 + 3]! ^ t[o14 + 3]! ^ t[o15 + 3]!;
}

/** The closing GHASH block: both lengths in bits, as 64-bit big-endian numbers. */
function ghashLengths(table: Int32Array, y: Int32Array, aadBytes: number, textBytes: number): void {
  y[0] = y[0]! ^ Math.floor(aadBytes / 0x20000000);
  y[1] = y[1]! ^ (aadBytes * 8);
  y[2] = y[2]! ^ Math.floor(textBytes / 0x20000000);
  y[3] = y[3]! ^ (textBytes * 8);
  multiplyH(table, y);
}

/** J0: IV || 0^31 || 1 for the usual 96-bit IV, otherwise GHASH(IV, padded, with its length). */
function initialCounter(key: GcmKey, iv: Uint8Array): Int32Array {
  if (iv.length === 0) throw new RangeError('GCM IV must not be empty');
  const j0 = new Int32Array(4);
  if (iv.length === 12) {
    const view = new DataView(iv.buffer, iv.byteOffset, 12);
    j0.set([view.getInt32(0), view.getInt32(4), view.getInt32(8), 1]);
  } else {
    ghashUpdate(key.table, j0, iv);
    ghashLengths(key.table, j0, 0, iv.length);
  }
  return j0;
}

/** CTR mode from inc32(J0): only the last 32 bits of the counter block count, modulo 2^32. */
function ctr(aes: Aes, j0: Int32Array, input: Uint8Array, output: Uint8Array): void {
  const ks = keystream;
  const c0 = j0[0]!;
  const c1 = j0[1]!;
  const c2 = j0[2]!;
  let counter = j0[3]!;
  const whole = input.length & ~15;
  let p = 0;
  for (; p < whole; p += 16) {
    counter = (counter + 1) | 0;
    aes.encryptWords(c0, c1, c2, counter, ks);
    for (let j = 0, q = p; j < 4; j++, q += 4) {
      const w = ks[j]!;
      output[q] = input[q]! ^ (w >>> 24);
      output[q + 1] = input[q + 1]! ^ (w >>> 16);
      output[q + 2] = input[q + 2]! ^ (w >>> 8);
      output[q + 3] = input[q + 3]! ^ w;
    }
  }
  if (p < input.length) {
    aes.encryptWords(c0, c1, c2, (counter + 1) | 0, ks);
    for (let q = p; q < input.length; q++) output[q] = input[q]! ^ (ks[(q - p) >> 2]! >>> (24 - 8 * ((q - p) & 3)));
  }
}

function computeTag(key: GcmKey, j0: Int32Array, aad: Uint8Array, ciphertext: Uint8Array, length: number): Uint8Array {
  const s = hashState.fill(0);
  ghashUpdate(key.table, s, aad);
  ghashUpdate(key.table, s, ciphertext);
  ghashLengths(key.table, s, aad.length, ciphertext.length);
  key.aes.encryptWords(j0[0]!, j0[1]!, j0[2]!, j0[3]!, tagMask);
  const full = new Uint8Array(16);
  const view = new DataView(full.buffer);
  for (let j = 0; j < 4; j++) view.setInt32(4 * j, tagMask[j]! ^ s[j]!);
  return full.slice(0, length);
}

function checkTagLength(length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > 16) {
    throw new RangeError(`GCM tag length must be 0..16 bytes, got ${length}`);
  }
}

/**
 * Encrypts and authenticates. `tagLength` is in bytes (16 is the full tag; DLMS uses 12; 0 skips authentication
 * and leaves plain CTR). Throws RangeError on a key that is not 16, 24 or 32 bytes, an empty IV or a bad tag length.
 */
export function aesGcmEncrypt(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
  tagLength = 16,
): GcmSealed {
  checkTagLength(tagLength);
  const state = gcmKey(key);
  const j0 = initialCounter(state, iv);
  const ciphertext = new Uint8Array(plaintext.length);
  ctr(state.aes, j0, plaintext, ciphertext);
  const tag = tagLength === 0 ? new Uint8Array(0) : computeTag(state, j0, aad, ciphertext, tagLength);
  return { ciphertext, tag };
}

/**
 * Verifies and decrypts; the tag length is `tag.length` (an empty tag verifies nothing). Returns null when the tag
 * does not match, before any plaintext is produced. Throws RangeError like aesGcmEncrypt.
 */
export function aesGcmDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array | null {
  checkTagLength(tag.length);
  const state = gcmKey(key);
  const j0 = initialCounter(state, iv);
  if (tag.length > 0) {
    const expected = computeTag(state, j0, aad, ciphertext, tag.length);
    // Compare every byte whatever the first difference, so timing does not reveal how much of a forgery was right.
    let diff = 0;
    for (let i = 0; i < tag.length; i++) diff |= expected[i]! ^ tag[i]!;
    if (diff !== 0) return null;
  }
  const plaintext = new Uint8Array(ciphertext.length);
  ctr(state.aes, j0, ciphertext, plaintext);
  return plaintext;
}
