/**
 * The AES block cipher (FIPS-197), forward direction; the inverse cipher (for CBC decryption) is in aes-inverse.ts.
 *
 * Rounds are table-driven: the state is four big-endian column words, and SubBytes, ShiftRows and MixColumns of one
 * round collapse into 16 look-ups in four 256-entry tables. The S-box and the tables are computed at load time from
 * their definitions (FIPS-197 5.1.1 and 5.1.3) rather than written out as constants.
 */

export const SBOX = new Uint8Array(256);
// Int32Array rather than Uint32Array: V8 keeps signed 32-bit values unboxed, and XOR only cares about the bits.
const T0 = new Int32Array(256);
const T1 = new Int32Array(256);
const T2 = new Int32Array(256);
const T3 = new Int32Array(256);

/** Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
function xtime(a: number): number {
  return ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;
}

function rotl8(a: number, n: number): number {
  return ((a << n) | (a >>> (8 - n))) & 0xff;
}

function rotr32(w: number, n: number): number {
  return ((w >>> n) | (w << (32 - n))) >>> 0;
}

function buildTables(): void {
  // Powers of the generator 3 give logarithms, from which every multiplicative inverse follows.
  const exp = new Uint8Array(255);
  const log = new Uint8Array(256);
  for (let i = 0, x = 1; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= xtime(x);
  }
  for (let a = 0; a < 256; a++) {
    const inv = a === 0 ? 0 : exp[(255 - log[a]!) % 255]!;
    const s = inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63;
    SBOX[a] = s;
    // MixColumns column (2, 1, 1, 3) for a byte in row 0; the other rows are byte rotations of it.
    const s2 = xtime(s);
    const t = ((s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s)) >>> 0;
    T0[a] = t;
    T1[a] = rotr32(t, 8);
    T2[a] = rotr32(t, 16);
    T3[a] = rotr32(t, 24);
  }
}
buildTables();

function subWord(w: number): number {
  return (
    ((SBOX[w >>> 24]! << 24) | (SBOX[(w >>> 16) & 0xff]! << 16) | (SBOX[(w >>> 8) & 0xff]! << 8) | SBOX[w & 0xff]!) >>>
    0
  );
}

/** An expanded AES key (128, 192 or 256 bits) that encrypts single blocks. */
export class Aes {
  readonly rounds: number;
  /** The expanded key, four big-endian words per round; the inverse cipher runs them backwards. */
  readonly roundKeys: Int32Array;

  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
      throw new RangeError(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
    }
    const nk = key.length / 4;
    this.rounds = nk + 6;
    const w = new Int32Array(4 * (this.rounds + 1));
    for (let i = 0; i < nk; i++) {
      w[i] = (key[4 * i]! << 24) | (key[4 * i + 1]! << 16) | (key[4 * i + 2]! << 8) | key[4 * i + 3]!;
    }
    // Key expansion, FIPS-197 5.2.
    for (let i = nk, rcon = 1; i < w.length; i++) {
      let temp = w[i - 1]! >>> 0;
      if (i % nk === 0) {
        temp = (subWord(rotr32(temp, 24)) ^ (rcon << 24)) >>> 0;
        rcon = xtime(rcon);
      } else if (nk > 6 && i % nk === 4) {
        temp = subWord(temp);
      }
      w[i] = w[i - nk]! ^ temp;
    }
    this.roundKeys = w;
  }

  /** Encrypts the block given as four big-endian 32-bit words; the result goes to `out[0..3]`. */
  encryptWords(in0: number, in1: number, in2: number, in3: number, out: Int32Array): void {
    const rk = this.roundKeys;
    let s0 = in0 ^ rk[0]!;
    let s1 = in1 ^ rk[1]!;
    let s2 = in2 ^ rk[2]!;
    let s3 = in3 ^ rk[3]!;
    let k = 4;
    for (let round = 1; round < this.rounds; round++, k += 4) {
      const t0 = T0[s0 >>> 24]! ^ T1[(s1 >>> 16) & 0xff]! ^ T2[(s2 >>> 8) & 0xff]! ^ T3[s3 & 0xff]! ^ rk[k]!;
      const t1 = T0[s1 >>> 24]! ^ T1[(s2 >>> 16) & 0xff]! ^ T2[(s3 >>> 8) & 0xff]! ^ T3[s0 & 0xff]! ^ rk[k + 1]!;
      const t2 = T0[s2 >>> 24]! ^ T1[(s3 >>> 16) & 0xff]! ^ T2[(s0 >>> 8) & 0xff]! ^ T3[s1 & 0xff]! ^ rk[k + 2]!;
      const t3 = T0[s3 >>> 24]! ^ T1[(s0 >>> 16) & 0xff]! ^ T2[(s1 >>> 8) & 0xff]! ^ T3[s2 & 0xff]! ^ rk[k + 3]!;
      s0 = t0;
      s1 = t1;
      s2 = t2;
      s3 = t3;
    }
    // The last round has no MixColumns: plain S-box bytes, shifted rows.
    out[0] = lastRoundWord(s0, s1, s2, s3) ^ rk[k]!;
    out[1] = lastRoundWord(s1, s2, s3, s0) ^ rk[k + 1]!;
    out[2] = lastRoundWord(s2, s3, s0, s1) ^ rk[k + 2]!;
    out[3] = lastRoundWord(s3, s0, s1, s2) ^ rk[k + 3]!;
  }

  /** Encrypts one 16-byte block. */
  encryptBlock(block: Uint8Array): Uint8Array {
    if (block.length !== 16) throw new RangeError(`AES block must be 16 bytes, got ${block.length}`);
    const input = new DataView(block.buffer, block.byteOffset, 16);
    const words = new Int32Array(4);
    this.encryptWords(input.getInt32(0), input.getInt32(4), input.getInt32(8), input.getInt32(12), words);
    const out = new Uint8Array(16);
    const output = new DataView(out.buffer);
    for (let i = 0; i < 4; i++) output.setInt32(4 * i, words[i]!);
    return out;
  }
}

function lastRoundWord(a: number, b: number, c: number, d: number): number {
  return (SBOX[a >>> 24]! << 24) | (SBOX[(b >>> 16) & 0xff]! << 16) | (SBOX[(c >>> 8) & 0xff]! << 8) | SBOX[d & 0xff]!;
}
