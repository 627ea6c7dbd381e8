/**
 * OMS security (OMS Vol. 2, EN 13757-7): the TPL security modes 5 (AES-128-CBC, IV from the header) and 7
 * (AES-128-CBC with zero IV under a key derived per message by AES-CMAC, authenticated by a CMAC in the AFL), and the
 * ELL's AES-128-CTR (EN 13757-4). Pure: the AES block cipher, CBC and CMAC come from shared/crypto.
 */
import { Aes } from '../../crypto/aes.ts';
import { aesCbcDecrypt, aesCbcEncrypt } from '../../crypto/cbc.ts';
import { aesCmac } from '../../crypto/cmac.ts';

/** Decrypted TPL data starts with two idle fillers: the check that the key was right (OMS Vol. 2, 9.2.2). */
export const VERIFICATION = 0x2f;

/** Mode 5 IV: M (2), A (ID 4, version, device type), then the access number eight times. */
export function mode5Iv(manufacturerAndAddress: Uint8Array, accessNumber: number): Uint8Array {
  const iv = new Uint8Array(16).fill(accessNumber);
  iv.set(manufacturerAndAddress.subarray(0, 8));
  return iv;
}

/** Derivation constants of the mode 7 keys, meter to receiver (EN 13757-7, 9.5.2). */
const DERIVE_ENCRYPTION = 0x00;
const DERIVE_MAC = 0x01;

/** K_enc or K_mac = CMAC(K, D ‖ message counter ‖ meter ID ‖ 0x07 × 7): one key per message. */
export function deriveKey(key: Uint8Array, kind: 'enc' | 'mac', counter: Uint8Array, meterId: Uint8Array): Uint8Array {
  const input = new Uint8Array(16).fill(0x07);
  input[0] = kind === 'enc' ? DERIVE_ENCRYPTION : DERIVE_MAC;
  input.set(counter.subarray(0, 4), 1);
  input.set(meterId.subarray(0, 4), 5);
  return aesCmac(key, input);
}

const ZERO_IV = new Uint8Array(16);

export function cbcDecrypt(key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Uint8Array {
  return aesCbcDecrypt(key, iv ?? ZERO_IV, data);
}

export function cbcEncrypt(key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Uint8Array {
  return aesCbcEncrypt(key, iv ?? ZERO_IV, data);
}

/** AES-128-CTR; the counter block's last byte counts the blocks (EN 13757-4 ELL: FN = 0, BC from 0). */
export function ctrCrypt(key: Uint8Array, counterBlock: Uint8Array, data: Uint8Array): Uint8Array {
  const aes = new Aes(key);
  const counter = Uint8Array.from(counterBlock);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += 16) {
    const stream = aes.encryptBlock(counter);
    for (let j = 0; j < 16 && i + j < data.length; j++) out[i + j] = data[i + j]! ^ stream[j]!;
    counter[15] = (counter[15]! + 1) & 0xff;
  }
  return out;
}

export function cmac(key: Uint8Array, message: Uint8Array, length: number): Uint8Array {
  return aesCmac(key, message).subarray(0, length);
}

/**
 * Keys some manufacturers ship every meter with until the utility sets its own: Diehl's OMS default key for its
 * brands (Diehl Metering, Hydrometer, Sappel). Tried after the keys the user gave.
 */
const DIEHL_DEFAULT_KEY = Uint8Array.from([
  0x51, 0x72, 0x89, 0x10, 0xe6, 0x6d, 0x83, 0xf8, 0x51, 0x72, 0x89, 0x10, 0xe6, 0x6d, 0x83, 0xf8,
]);
export const DEFAULT_KEYS: Readonly<Record<string, Uint8Array>> = {
  DME: DIEHL_DEFAULT_KEY,
  HYD: DIEHL_DEFAULT_KEY,
  SAP: DIEHL_DEFAULT_KEY,
};
