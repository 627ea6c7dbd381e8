/**
 * Encrypted P1 (Luxembourg Smarty, Austrian Sagemcom T210-D): a telegram inside a DLMS general-glo-ciphering APDU.
 * Decryption is the DLMS layer's; the plaintext is an ordinary telegram.
 */
import { decipherApdu } from '../dlms/ciphering.ts';
import { toHex } from '../hex.ts';
import { decodeError, type DecodeOutput, type DecoderOptions } from '../types.ts';
import { parseTelegram } from './telegram.ts';

const SLASH = 0x2f;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;

export function parseCipheredTelegram(apdu: Uint8Array, options: DecoderOptions = {}): DecodeOutput {
  if (!options.key && !options.keysFor) {
    const systemTitle = toHex(apdu.subarray(2, 10));
    return {
      ok: false,
      error: decodeError(
        'decrypt',
        `the P1 port sends encrypted telegrams (system title ${systemTitle}): set the encryption key (GUEK) your grid operator gives out`,
      ),
    };
  }
  const keys = { key: options.key, authKey: options.authKey, keysFor: options.keysFor };
  const deciphered = decipherApdu(apdu, keys, options.gcmDecrypt);
  if (!deciphered.ok) return deciphered;
  const plaintext = deciphered.plaintext;
  const start = plaintext.findIndex((b) => b !== CR && b !== LF && b !== SPACE);
  if (plaintext[start] !== SLASH) {
    return {
      ok: false,
      error: decodeError(
        'unsupported',
        'the encrypted frame holds no P1 telegram but another APDU (a DLMS/COSEM push?): use the DLMS decoder',
      ),
    };
  }
  const decoded = parseTelegram(plaintext, options);
  if (!decoded.ok) return decoded;
  const message = decoded.message;
  message.info = { ...message.info, encrypted: true, systemTitle: toHex(deciphered.systemTitle) };
  return decoded;
}
