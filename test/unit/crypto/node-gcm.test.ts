/** OpenSSL's GCM (the Node runtime's) and the pure TypeScript one read every ciphered frame alike. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeGcmDecrypt, withNodeCrypto } from '../../../electron/core/crypto/node-gcm.ts';
import { aesGcmDecrypt, aesGcmEncrypt } from '../../../shared/crypto/gcm.ts';
import { encodePush } from '../../../shared/protocols/dlms/encode.ts';
import { createDlmsDecoder } from '../../../shared/protocols/dlms/index.ts';
import { BIG_PUSH } from '../dlms/fixtures.ts';

const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

describe('node:crypto AES-128-GCM', () => {
  it('decrypts what the pure implementation encrypts, with a 12-byte tag or none, and refuses a forged tag', () => {
    fc.assert(
      fc.property(
        bytes(16),
        bytes(12),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.boolean(),
        (key, iv, plaintext, aad, tagged) => {
          const sealed = aesGcmEncrypt(key, iv, plaintext, tagged ? aad : new Uint8Array(0), tagged ? 12 : 0);
          const aadUsed = tagged ? aad : new Uint8Array(0);
          const ours = nodeGcmDecrypt(key, iv, sealed.ciphertext, sealed.tag, aadUsed);
          expect(ours).toEqual(aesGcmDecrypt(key, iv, sealed.ciphertext, sealed.tag, aadUsed));
          expect(ours).toEqual(plaintext);
          if (tagged) {
            const forged = sealed.tag.slice();
            forged[0] = forged[0]! ^ 1;
            expect(nodeGcmDecrypt(key, iv, sealed.ciphertext, forged, aad)).toBeNull();
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('decodes a ciphered push to the same message as the pure implementation', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const authKey = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
    const cipher = { key, authKey, systemTitle: new TextEncoder().encode('LGZgs\x01\x02\x03'), invocationCounter: 7 };
    for (const securityControl of [0x30, 0x20]) {
      const wire = encodePush(BIG_PUSH, { transport: 'hdlc', cipher: { ...cipher, securityControl } });
      const pure = createDlmsDecoder({ key, authKey }).push(wire);
      expect(pure[0]?.ok).toBe(true);
      expect(createDlmsDecoder(withNodeCrypto({ key, authKey })).push(wire)).toEqual(pure);
    }
  });
});
