/**
 * AES-128-GCM decryption through node:crypto (OpenSSL: constant-time, AES-NI), injected into the decoders through
 * DecoderOptions.gcmDecrypt. The pure TypeScript AES in shared/crypto stays for the renderer and as a cross-check.
 */
import { createDecipheriv } from 'node:crypto';
import type { DecoderOptions, GcmDecrypt } from '../../../shared/protocols/types.ts';

/** GCM's first keystream block uses counter 2 (J0 = IV || 1 is kept for the tag). */
const FIRST_CTR_BLOCK = Uint8Array.of(0, 0, 0, 2);

export const nodeGcmDecrypt: GcmDecrypt = (key, iv, ciphertext, tag, aad) => {
  if (tag.length === 0) {
    // Encryption without authentication (security control 0x20): GCM without its tag is AES-CTR from J0 + 1.
    const ctr = createDecipheriv('aes-128-ctr', key, Buffer.concat([iv, FIRST_CTR_BLOCK]));
    return new Uint8Array(Buffer.concat([ctr.update(ciphertext), ctr.final()]));
  }
  const gcm = createDecipheriv('aes-128-gcm', key, iv, { authTagLength: tag.length });
  gcm.setAuthTag(tag);
  if (aad.length > 0) gcm.setAAD(aad);
  const plaintext = gcm.update(ciphertext);
  try {
    gcm.final();
  } catch {
    return null; // the tag does not match
  }
  return new Uint8Array(plaintext.buffer, plaintext.byteOffset, plaintext.length);
};

/** `options` with OpenSSL's GCM, unless the caller chose one. */
export function withNodeCrypto(options: DecoderOptions): DecoderOptions {
  return { gcmDecrypt: nodeGcmDecrypt, ...options };
}
