/**
 * AES-GCM (NIST SP 800-38D): CTR encryption from inc32(J0) and a GHASH tag over the AAD and the ciphertext.
 *
 * GHASH multiplies by H with a per-key table: for each of the 16 byte positions of a block and each byte value, the
 * product of H with that byte at that position (64 KiB per key). A block multiply is then 16 look-ups and XORs.
 * The expanded key and its table are cached per key, since every push of a meter is deciphered with the same key.
 */

import { Aes, readWord, writeWord } from './aes.ts';

export interface GcmSealed {
  ciphertext: Uint8Array;
  tag: Uint8Array;
}

const EMPTY = new Uint8Array(0);
/** Enough for a bridge reading many meters; the oldest key is dropped beyond it. */
const MAX_CACHED_KEYS = 16;

interface GcmKey {
  aes: Aes;
  table: Uint32Array;
}

const keyCache = new Map<string, GcmKey>();

function gcmKey(key: Uint8Array): GcmKey {
  const id = String.fromCharCode(...key);
  let state = keyCache.get(id);
  if (!state) {
    const aes = new Aes(key);
    const h = new Uint32Array(4);
    aes.encryptWords(0, 0, 0, 0, h);
    state = { aes, table: ghashTable(h) };
    if (keyCache.size >= MAX_CACHED_KEYS) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(id, state);
  }
  return state;
}

/**
 * Table of H·x^(8i+t) combinations. In GCM's bit order the first bit of a block is the x^0 coefficient, so the
 * byte at position i holds x^(8i)..x^(8i+7), most significant bit first, and multiplying by x is a right shift
 * with reduction by R = 11100001 || 0^120.
 */
function ghashTable(h: Uint32Array): Uint32Array {
  const table = new Uint32Array(16 * 256 * 4);
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
      v3 = ((v3 >>> 1) | (v2 << 31)) >>> 0;
      v2 = ((v2 >>> 1) | (v1 << 31)) >>> 0;
      v1 = ((v1 >>> 1) | (v0 << 31)) >>> 0;
      v0 = ((v0 >>> 1) ^ (carry ? 0xe1000000 : 0)) >>> 0;
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
function ghashUpdate(table: Uint32Array, y: Uint32Array, data: Uint8Array): void {
  for (let p = 0; p < data.length; p += 16) {
    y[0] = y[0]! ^ readWord(data, p);
    y[1] = y[1]! ^ readWord(data, p + 4);
    y[2] = y[2]! ^ readWord(data, p + 8);
    y[3] = y[3]! ^ readWord(data, p + 12);
    multiplyH(table, y);
  }
}

function multiplyH(table: Uint32Array, y: Uint32Array): void {
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  let base = 0;
  for (let j = 0; j < 4; j++) {
    const w = y[j]!;
    for (let shift = 24; shift >= 0; shift -= 8, base += 1024) {
      const o = base + (((w >>> shift) & 0xff) << 2);
      z0 ^= table[o]!;
      z1 ^= table[o + 1]!;
      z2 ^= table[o + 2]!;
      z3 ^= table[o + 3]!;
    }
  }
  y[0] = z0;
  y[1] = z1;
  y[2] = z2;
  y[3] = z3;
}

/** The closing GHASH block: both lengths in bits, as 64-bit big-endian numbers. */
function ghashLengths(table: Uint32Array, y: Uint32Array, aadBytes: number, textBytes: number): void {
  y[0] = y[0]! ^ Math.floor(aadBytes / 0x20000000);
  y[1] = y[1]! ^ (aadBytes * 8);
  y[2] = y[2]! ^ Math.floor(textBytes / 0x20000000);
  y[3] = y[3]! ^ (textBytes * 8);
  multiplyH(table, y);
}

/** J0: IV || 0^31 || 1 for the usual 96-bit IV, otherwise GHASH(IV, padded, with its length). */
function initialCounter(key: GcmKey, iv: Uint8Array): Uint32Array {
  if (iv.length === 0) throw new RangeError('GCM IV must not be empty');
  if (iv.length === 12) return Uint32Array.of(readWord(iv, 0), readWord(iv, 4), readWord(iv, 8), 1);
  const j0 = new Uint32Array(4);
  ghashUpdate(key.table, j0, iv);
  ghashLengths(key.table, j0, 0, iv.length);
  return j0;
}

/** CTR mode from inc32(J0): only the last 32 bits of the counter block count, modulo 2^32. */
function ctr(aes: Aes, j0: Uint32Array, input: Uint8Array, output: Uint8Array): void {
  const ks = new Uint32Array(4);
  const c0 = j0[0]!;
  const c1 = j0[1]!;
  const c2 = j0[2]!;
  let counter = j0[3]!;
  const whole = input.length & ~15;
  for (let p = 0; p < input.length; p += 16) {
    counter = (counter + 1) >>> 0;
    aes.encryptWords(c0, c1, c2, counter, ks);
    if (p < whole) {
      for (let j = 0, q = p; j < 4; j++, q += 4) {
        const w = ks[j]!;
        output[q] = input[q]! ^ (w >>> 24);
        output[q + 1] = input[q + 1]! ^ (w >>> 16);
        output[q + 2] = input[q + 2]! ^ (w >>> 8);
        output[q + 3] = input[q + 3]! ^ w;
      }
    } else {
      for (let q = p; q < input.length; q++) {
        output[q] = input[q]! ^ (ks[(q - p) >> 2]! >>> (24 - 8 * ((q - p) & 3)));
      }
    }
  }
}

function computeTag(
  key: GcmKey,
  j0: Uint32Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  tagLength: number,
): Uint8Array {
  const s = new Uint32Array(4);
  ghashUpdate(key.table, s, aad);
  ghashUpdate(key.table, s, ciphertext);
  ghashLengths(key.table, s, aad.length, ciphertext.length);
  const mask = new Uint32Array(4);
  key.aes.encryptWords(j0[0]!, j0[1]!, j0[2]!, j0[3]!, mask);
  const full = new Uint8Array(16);
  for (let j = 0; j < 4; j++) writeWord(full, 4 * j, mask[j]! ^ s[j]!);
  return full.slice(0, tagLength);
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
