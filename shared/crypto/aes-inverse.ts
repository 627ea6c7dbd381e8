/**
 * The AES inverse cipher (FIPS-197 5.3), block by block, for CBC decryption. Byte-oriented rather than table-driven:
 * wireless M-Bus telegrams are a few blocks long, so clarity wins over speed here.
 */
import { type Aes, SBOX } from './aes.ts';

const INV_SBOX = new Uint8Array(256);
for (let a = 0; a < 256; a++) INV_SBOX[SBOX[a]!] = a;

/** Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
function gmul(a: number, b: number): number {
  let product = 0;
  for (; b > 0; b >>= 1) {
    if (b & 1) product ^= a;
    a = ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;
  }
  return product;
}

/** InvMixColumns multiplies each column by {0e, 0b, 0d, 09}: one look-up table per factor. */
const times = (f: number) => Uint8Array.from({ length: 256 }, (_, a) => gmul(a, f));
const MUL9 = times(9);
const MUL11 = times(11);
const MUL13 = times(13);
const MUL14 = times(14);

/** XORs round key `round` into the state (column-major: byte r of column c at 4c + r). */
function addRoundKey(state: Uint8Array, aes: Aes, round: number): void {
  for (let c = 0; c < 4; c++) {
    const w = aes.roundKeys[4 * round + c]!;
    state[4 * c]! ^= w >>> 24;
    state[4 * c + 1]! ^= (w >>> 16) & 0xff;
    state[4 * c + 2]! ^= (w >>> 8) & 0xff;
    state[4 * c + 3]! ^= w & 0xff;
  }
}

/** InvShiftRows then InvSubBytes: row r moves r places to the right. */
function invShiftSub(state: Uint8Array, scratch: Uint8Array): void {
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) scratch[4 * ((c + r) % 4) + r] = INV_SBOX[state[4 * c + r]!]!;
  }
  state.set(scratch);
}

function invMixColumns(state: Uint8Array): void {
  for (let c = 0; c < 16; c += 4) {
    const [a0, a1, a2, a3] = [state[c]!, state[c + 1]!, state[c + 2]!, state[c + 3]!];
    state[c] = MUL14[a0]! ^ MUL11[a1]! ^ MUL13[a2]! ^ MUL9[a3]!;
    state[c + 1] = MUL9[a0]! ^ MUL14[a1]! ^ MUL11[a2]! ^ MUL13[a3]!;
    state[c + 2] = MUL13[a0]! ^ MUL9[a1]! ^ MUL14[a2]! ^ MUL11[a3]!;
    state[c + 3] = MUL11[a0]! ^ MUL13[a1]! ^ MUL9[a2]! ^ MUL14[a3]!;
  }
}

/** Decrypts one 16-byte block with the key `aes` was expanded from. */
export function decryptBlock(aes: Aes, block: Uint8Array): Uint8Array {
  if (block.length !== 16) throw new RangeError(`AES block must be 16 bytes, got ${block.length}`);
  const state = Uint8Array.from(block); // a copy, also when given a Buffer (whose slice is a view)
  const scratch = new Uint8Array(16);
  addRoundKey(state, aes, aes.rounds);
  for (let round = aes.rounds - 1; round > 0; round--) {
    invShiftSub(state, scratch);
    addRoundKey(state, aes, round);
    invMixColumns(state);
  }
  invShiftSub(state, scratch);
  addRoundKey(state, aes, 0);
  return state;
}
