/**
 * Encrypted P1 (Luxembourg Smarty, Austrian Sagemcom T210-D): a telegram inside a DLMS general-glo-ciphering APDU.
 * Decryption is the DLMS layer's; the plaintext is an ordinary telegram.
 */
import { decipherApdu } from '../dlms/ciphering.ts';
import { toHex } from '../hex.ts';
import { decodeError, type DecodeOutput, type DecoderOptions } from '../types.ts';
import { parseTelegram } from './telegram.ts';

export function parseCipheredTelegram(apdu: Uint8Array, options: DecoderOptions = {}): DecodeOutput {
  if (!options.key) {
    const systemTitle = toHex(apdu.subarray(2, 10));
    return {
      ok: false,
      error: decodeError(
        'decrypt',
        `the P1 port sends encrypted telegrams (system title ${systemTitle}): set the encryption key (GUEK) your grid operator gives out`,
      ),
    };
  }
  const deciphered = decipherApdu(apdu, { key: options.key, authKey: options.authKey });
  if (!deciphered.ok) return deciphered;
  const decoded = parseTelegram(deciphered.plaintext, options);
  if (!decoded.ok) return decoded;
  const message = decoded.message;
  message.info = { ...message.info, encrypted: true, systemTitle: toHex(deciphered.systemTitle) };
  return decoded;
}
