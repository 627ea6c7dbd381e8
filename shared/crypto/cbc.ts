/** AES in CBC mode (NIST SP 800-38A 6.2) without padding: the data is a whole number of blocks. */
import { Aes } from './aes.ts';
import { decryptBlock } from './aes-inverse.ts';

function checkLengths(iv: Uint8Array, data: Uint8Array): void {
  if (iv.length !== 16) throw new RangeError(`CBC needs a 16-byte IV, got ${iv.length}`);
  if (data.length % 16 !== 0) throw new RangeError(`CBC data must be whole 16-byte blocks, got ${data.length} bytes`);
}

export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  checkLengths(iv, plaintext);
  const aes = new Aes(key);
  const out = new Uint8Array(plaintext.length);
  let previous = iv;
  for (let i = 0; i < plaintext.length; i += 16) {
    const block = Uint8Array.from(plaintext.subarray(i, i + 16)); // a copy, also when given a Buffer
    for (let j = 0; j < 16; j++) block[j]! ^= previous[j]!;
    previous = aes.encryptBlock(block);
    out.set(previous, i);
  }
  return out;
}

export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  checkLengths(iv, ciphertext);
  const aes = new Aes(key);
  const out = new Uint8Array(ciphertext.length);
  for (let i = 0; i < ciphertext.length; i += 16) {
    const block = decryptBlock(aes, ciphertext.subarray(i, i + 16));
    const previous = i === 0 ? iv : ciphertext.subarray(i - 16, i);
    for (let j = 0; j < 16; j++) out[i + j] = block[j]! ^ previous[j]!;
  }
  return out;
}
