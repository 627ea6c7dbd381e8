/** AES-CMAC (NIST SP 800-38B): a MAC from the block cipher, used by OMS security mode 7 to derive keys and to sign. */
import { Aes } from './aes.ts';

/** Doubling in GF(2^128) (SP 800-38B 6.1): shift left by one bit, fold the carry back with R128 = 0x87. */
function double(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = ((block[i]! << 1) | (i < 15 ? block[i + 1]! >>> 7 : 0)) & 0xff;
  if (block[0]! & 0x80) out[15]! ^= 0x87;
  return out;
}

/** The full 16-byte tag of `message` under `key`; callers truncate it where their protocol sends fewer bytes. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const aes = new Aes(key);
  const k1 = double(aes.encryptBlock(new Uint8Array(16)));
  const k2 = double(k1);
  const blocks = Math.max(1, Math.ceil(message.length / 16));
  const complete = message.length > 0 && message.length % 16 === 0;
  const last = new Uint8Array(16);
  const tail = message.subarray((blocks - 1) * 16);
  last.set(tail);
  if (!complete) last[tail.length] = 0x80;
  const subkey = complete ? k1 : k2;
  for (let i = 0; i < 16; i++) last[i]! ^= subkey[i]!;
  let x: Uint8Array = new Uint8Array(16);
  for (let b = 0; b < blocks; b++) {
    const block = b === blocks - 1 ? last : message.subarray(b * 16, b * 16 + 16);
    const input = new Uint8Array(16);
    for (let i = 0; i < 16; i++) input[i] = x[i]! ^ block[i]!;
    x = aes.encryptBlock(input);
  }
  return x;
}
