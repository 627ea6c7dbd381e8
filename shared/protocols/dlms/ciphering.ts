/**
 * DLMS/COSEM ciphered APDUs with security suites 0 and 1 (AES-128-GCM, 12-byte tag), IEC 62056-5-3 / Green Book.
 * Suite 1 differs from suite 0 only in key agreement and signing, which these APDUs do not use, so both decipher
 * alike (some Kaifa meters send 0x21); suite 2 changes to AES-256.
 *
 *   general-glo-ciphering 0xDB, general-ded-ciphering 0xDC:
 *     tag, system-title (length + 8 bytes), ciphered-content (length + content)
 *   general-ciphering 0xDD:
 *     tag, transaction-id, originator-system-title, recipient-system-title, date-time, other-information
 *     (each length + bytes), key-info OPTIONAL, ciphered-content
 *   service-specific glo-/ded- APDUs 0xC8..0xD7: tag, ciphered-content (the system title comes from the association)
 *
 * ciphered-content = security control byte (SC) || invocation counter (4 bytes, big-endian) || ciphertext || tag.
 * IV = system title || invocation counter. AAD = SC || AK, plus for general-ciphering its five header fields as
 * encoded (length and value), plus the plaintext when SC says authentication only.
 */

import { aesGcmDecrypt, aesGcmEncrypt } from '../../crypto/gcm.ts';
import { toHex } from '../hex.ts';
import { decodeError, type DecodeError, type GcmDecrypt } from '../types.ts';

export interface DecipheredApdu {
  ok: true;
  plaintext: Uint8Array;
  /** The originator's system title the IV was built from. */
  systemTitle: Uint8Array;
  invocationCounter: number;
  securityControl: number;
  /** True only when the GCM tag was verified; false when the frame carries no tag or no authKey was given. */
  authenticated: boolean;
}

export type DecipherResult = DecipheredApdu | { ok: false; error: DecodeError };

export interface DecipherKeys {
  /** Block cipher key: the global unicast (GUEK) or, when SC has the key-set bit, the broadcast key (GBEK). */
  key?: Uint8Array;
  /** Authentication key (GAK); without it an authenticated frame is still deciphered, unverified. */
  authKey?: Uint8Array;
  /** The meter's system title, only for service-specific APDUs (0xC8..0xD7), which do not carry one. */
  systemTitle?: Uint8Array;
  /** Per-meter keys by system title; what it returns overrides `key`/`authKey` for that frame. */
  keysFor?: (systemTitle: Uint8Array) => { key?: Uint8Array; authKey?: Uint8Array } | undefined;
}

export interface EncipherOptions {
  key: Uint8Array;
  authKey?: Uint8Array;
  systemTitle: Uint8Array;
  invocationCounter: number;
  /** 0x10 authentication only, 0x20 encryption only, 0x30 both (default); | 0x40 broadcast key; | 0x01 suite 1. */
  securityControl?: number;
  tag?: 0xdb | 0xdd;
}

const GENERAL_GLO_CIPHERING = 0xdb;
const GENERAL_DED_CIPHERING = 0xdc;
const GENERAL_CIPHERING = 0xdd;
/** glo-get-request..glo-action-response [200..207] and ded-get-request..ded-action-response [208..215]. */
const SERVICE_SPECIFIC_TAGS = new Set([
  0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd7,
]);

const SC_AUTHENTICATION = 0x10;
const SC_ENCRYPTION = 0x20;
const SC_BROADCAST_KEY = 0x40;
const SC_COMPRESSION = 0x80;
const SC_SUITE = 0x0f;
/** Suites 0 and 1 share AES-128-GCM with IV = system title || invocation counter. */
const MAX_AES128_SUITE = 1;

const KEY_LENGTH = 16;
const SYSTEM_TITLE_LENGTH = 8;
const GCM_TAG_LENGTH = 12;
/** Security control byte and invocation counter. */
const SECURITY_HEADER_LENGTH = 5;
/** DLMS negotiates PDU sizes as Unsigned16: a longer length field is garbage, not a frame to wait for. */
export const MAX_CIPHERED_LENGTH = 0xffff;

const EMPTY: Uint8Array = new Uint8Array(0);
const HEADER_TRUNCATED = decodeError('truncated', 'the ciphered APDU is truncated: its header is incomplete');

/** True when the first byte is the tag of a ciphered APDU (general or service-specific ciphering). */
export function isCipheredApdu(bytes: Uint8Array): boolean {
  const tag = bytes[0];
  if (tag === undefined) return false;
  return (
    tag === GENERAL_GLO_CIPHERING ||
    tag === GENERAL_DED_CIPHERING ||
    tag === GENERAL_CIPHERING ||
    SERVICE_SPECIFIC_TAGS.has(tag)
  );
}

/**
 * Total length of the ciphered APDU at the start of `bytes`, known as soon as its header is complete (compare it
 * with the bytes at hand to know whether the APDU is). null while the header is still incomplete; 0 when the bytes
 * cannot be a ciphered APDU (another tag, an indefinite or over-long length, a system title that is not 8 bytes,
 * malformed key-info): drop the first byte and resynchronise.
 */
export function cipheredApduLength(bytes: Uint8Array): number | null {
  const layout = parseLayout(bytes);
  if ('kind' in layout) return layout.kind === 'truncated' ? null : 0;
  return layout.end;
}

/** Deciphers and, when the frame has a tag and authKey is given, authenticates. Never throws. */
export function decipherApdu(
  apdu: Uint8Array,
  given: DecipherKeys,
  gcmDecrypt: GcmDecrypt = aesGcmDecrypt,
): DecipherResult {
  const layout = parseLayout(apdu);
  if ('kind' in layout) return failure(layout);
  if (apdu.length < layout.end) {
    return fail('truncated', `the ciphered APDU is truncated: ${apdu.length} of ${layout.end} bytes`);
  }
  const content = apdu.subarray(layout.contentStart, layout.end);
  if (content.length < SECURITY_HEADER_LENGTH) {
    return fail('syntax', `the ciphered content is ${content.length} bytes, too short for its security header`);
  }
  const sc = content[0]!;
  if (sc & SC_COMPRESSION) {
    return fail('unsupported', `compressed ciphered APDUs (security control 0x${toHex([sc])}) are not supported`);
  }
  if ((sc & SC_SUITE) > MAX_AES128_SUITE) {
    return fail('unsupported', `security suite ${sc & SC_SUITE} is not supported: only suites 0 and 1 (AES-128-GCM)`);
  }
  if (layout.keyTransported) {
    return fail('unsupported', 'general-ciphering with a wrapped or agreed key is not supported: only pre-shared keys');
  }
  const encrypted = (sc & SC_ENCRYPTION) !== 0;
  const tagged = (sc & SC_AUTHENTICATION) !== 0;
  const body = content.subarray(SECURITY_HEADER_LENGTH);
  if (tagged && body.length < GCM_TAG_LENGTH) {
    return fail('syntax', `the ciphered content is ${content.length} bytes, too short for its authentication tag`);
  }
  const text = tagged ? body.subarray(0, body.length - GCM_TAG_LENGTH) : body;
  const tag = tagged ? body.subarray(body.length - GCM_TAG_LENGTH) : EMPTY;
  const invocationCounter = readUint32(content, 1);
  const systemTitle = layout.systemTitle ?? given.systemTitle;
  // A merged copy only where a meter has keys of its own: this runs on every push.
  const keys = systemTitle && given.keysFor ? { ...given, ...given.keysFor(systemTitle) } : given;
  const verify = tagged && keys.authKey !== undefined;
  if (!encrypted && !verify) return deciphered(text, text, systemTitle, invocationCounter, sc, verify);

  const keyProblem = checkKeys(sc, keys, verify);
  if (keyProblem) return failure(keyProblem);
  if (!systemTitle) {
    return fail(
      'decrypt',
      `this ciphered APDU (tag 0x${toHex([apdu[0]!])}) carries no system title: set the meter's system title`,
    );
  }
  if (systemTitle.length !== SYSTEM_TITLE_LENGTH) {
    return fail('syntax', `the system title is ${systemTitle.length} bytes instead of ${SYSTEM_TITLE_LENGTH}`);
  }

  const iv = concat(systemTitle, content.subarray(1, SECURITY_HEADER_LENGTH));
  const aad = verify ? concat([sc], keys.authKey!, layout.headerAad, encrypted ? EMPTY : text) : EMPTY;
  const plaintext = gcmDecrypt(keys.key!, iv, encrypted ? text : EMPTY, verify ? tag : EMPTY, aad);
  if (!plaintext) return fail('decrypt', 'authentication failed: check the encryption key and the authentication key');
  return deciphered(encrypted ? plaintext : text, text, systemTitle, invocationCounter, sc, verify);
}

function deciphered(
  plaintext: Uint8Array,
  text: Uint8Array,
  systemTitle: Uint8Array | undefined,
  invocationCounter: number,
  securityControl: number,
  authenticated: boolean,
): DecipheredApdu {
  return {
    ok: true,
    // The result must not alias the input: text only authenticated is copied (new Uint8Array, as slice() of a Node
    // Buffer is a view); a decryption's output is already its own.
    plaintext: plaintext === text ? new Uint8Array(text) : plaintext,
    systemTitle: new Uint8Array(systemTitle ?? EMPTY),
    invocationCounter,
    securityControl,
    authenticated,
  };
}

/** Why the keys given cannot decipher (and, with `verify`, authenticate) this frame; null when they can. */
function checkKeys(sc: number, keys: DecipherKeys, verify: boolean): DecodeError | null {
  const keyName = sc & SC_BROADCAST_KEY ? 'GBEK' : 'GUEK';
  if (!keys.key) {
    return decodeError(
      'decrypt',
      sc & SC_ENCRYPTION
        ? `the frame is encrypted: set the encryption key (${keyName})`
        : `the frame is authenticated: checking it needs the encryption key (${keyName}) too`,
    );
  }
  if (keys.key.length !== KEY_LENGTH) {
    return decodeError('decrypt', `the encryption key must be 16 bytes (32 hex digits), got ${keys.key.length} bytes`);
  }
  if (verify && keys.authKey!.length !== KEY_LENGTH) {
    const length = keys.authKey!.length;
    return decodeError('decrypt', `the authentication key must be 16 bytes (32 hex digits), got ${length} bytes`);
  }
  return null;
}

/**
 * Builds a ciphered APDU: general-glo-ciphering (default) or general-ciphering with empty transaction-id,
 * recipient, date-time and other-information and no key-info. Throws RangeError on invalid options (this is the
 * sending side: bad options are a programming error, not bad input).
 */
export function encipherApdu(plaintext: Uint8Array, opts: EncipherOptions): Uint8Array {
  const sc = opts.securityControl ?? SC_ENCRYPTION | SC_AUTHENTICATION;
  const tagByte = opts.tag ?? GENERAL_GLO_CIPHERING;
  const protection = SC_ENCRYPTION | SC_AUTHENTICATION;
  const other = sc & ~(protection | SC_BROADCAST_KEY | SC_SUITE);
  if (other !== 0 || (sc & protection) === 0 || (sc & SC_SUITE) > MAX_AES128_SUITE) {
    throw new RangeError(`security control 0x${toHex([sc])} is not 0x10, 0x20 or 0x30 (optionally | 0x40, | suite 1)`);
  }
  if (tagByte !== GENERAL_GLO_CIPHERING && tagByte !== GENERAL_CIPHERING) {
    throw new RangeError(`tag 0x${toHex([tagByte])} is not 0xDB or 0xDD`);
  }
  if (opts.key.length !== KEY_LENGTH) throw new RangeError(`key must be 16 bytes, got ${opts.key.length}`);
  if (opts.systemTitle.length !== SYSTEM_TITLE_LENGTH) {
    throw new RangeError(`system title must be 8 bytes, got ${opts.systemTitle.length}`);
  }
  const ic = opts.invocationCounter;
  if (!Number.isInteger(ic) || ic < 0 || ic > 0xffffffff) throw new RangeError(`invocation counter ${ic} out of range`);
  const tagged = (sc & SC_AUTHENTICATION) !== 0;
  if (tagged && opts.authKey?.length !== KEY_LENGTH)
    throw new RangeError('authenticated frames need a 16-byte authKey');

  const icBytes = Uint8Array.of(ic >>> 24, ic >>> 16, ic >>> 8, ic);
  const iv = concat(opts.systemTitle, icBytes);
  const headerAad =
    tagByte === GENERAL_CIPHERING ? concat([0], [SYSTEM_TITLE_LENGTH], opts.systemTitle, [0, 0, 0]) : EMPTY;
  let body: Uint8Array;
  if (sc & SC_ENCRYPTION) {
    const aad = tagged ? concat([sc], opts.authKey!, headerAad) : EMPTY;
    const sealed = aesGcmEncrypt(opts.key, iv, plaintext, aad, tagged ? GCM_TAG_LENGTH : 0);
    body = concat(sealed.ciphertext, sealed.tag);
  } else {
    const aad = concat([sc], opts.authKey!, headerAad, plaintext);
    body = concat(plaintext, aesGcmEncrypt(opts.key, iv, EMPTY, aad, GCM_TAG_LENGTH).tag);
  }
  const content = concat([sc], icBytes, body);
  if (content.length > MAX_CIPHERED_LENGTH) throw new RangeError(`ciphered content of ${content.length} bytes`);
  return tagByte === GENERAL_CIPHERING
    ? concat([tagByte], headerAad, [0], encodeLength(content.length), content)
    : concat([tagByte, SYSTEM_TITLE_LENGTH], opts.systemTitle, encodeLength(content.length), content);
}

interface Layout {
  /** The (originator) system title carried in the APDU; null for service-specific APDUs. */
  systemTitle: Uint8Array | null;
  /** general-ciphering: transaction-id .. other-information as encoded, which the AAD includes. */
  headerAad: Uint8Array;
  /** general-ciphering key-info carries a wrapped or agreed key instead of naming a pre-shared one. */
  keyTransported: boolean;
  contentStart: number;
  end: number;
}

/** The APDU's structure up to its ciphered content; a `truncated` error while the header is incomplete. */
function parseLayout(b: Uint8Array): Layout | DecodeError {
  const tag = b[0];
  if (tag === undefined) return HEADER_TRUNCATED;
  let pos = 1;
  let systemTitle: Uint8Array | null = null;
  let headerAad = EMPTY;
  let keyTransported = false;
  if (tag === GENERAL_GLO_CIPHERING || tag === GENERAL_DED_CIPHERING) {
    const title = readOctetString(b, pos);
    if ('kind' in title) return title;
    if (title.value.length !== SYSTEM_TITLE_LENGTH) {
      return decodeError('syntax', `the system title is ${title.value.length} bytes instead of ${SYSTEM_TITLE_LENGTH}`);
    }
    systemTitle = title.value;
    pos = title.end;
  } else if (tag === GENERAL_CIPHERING) {
    // transaction-id, originator-system-title, recipient-system-title, date-time, other-information
    for (let field = 0; field < 5; field++) {
      const value = readOctetString(b, pos);
      if ('kind' in value) return value;
      if (field === 1) systemTitle = value.value;
      pos = value.end;
    }
    headerAad = b.subarray(1, pos);
    const keyInfo = readKeyInfo(b, pos);
    if ('kind' in keyInfo) return keyInfo;
    keyTransported = keyInfo.transported;
    pos = keyInfo.end;
  } else if (!SERVICE_SPECIFIC_TAGS.has(tag)) {
    return decodeError('syntax', `not a ciphered APDU (tag 0x${toHex([tag])})`);
  }
  const content = readLength(b, pos);
  if ('kind' in content) return content;
  return { systemTitle, headerAad, keyTransported, contentStart: content.start, end: content.start + content.length };
}

/** An A-XDR/BER length: short form, or 0x81..0x84 followed by that many bytes. */
function readLength(b: Uint8Array, pos: number): { start: number; length: number } | DecodeError {
  const first = b[pos];
  if (first === undefined) return HEADER_TRUNCATED;
  if (first < 0x80) return { start: pos + 1, length: first };
  const count = first & 0x7f;
  if (count === 0 || count > 4) return decodeError('syntax', `invalid length field 0x${toHex([first])}`);
  if (pos + count >= b.length) return HEADER_TRUNCATED;
  let length = 0;
  for (let i = 1; i <= count; i++) length = length * 256 + b[pos + i]!;
  if (length > MAX_CIPHERED_LENGTH) return decodeError('syntax', `length ${length} is beyond any DLMS PDU`);
  return { start: pos + 1 + count, length };
}

/** A length-prefixed octet string that must be complete (it is part of the header). */
function readOctetString(b: Uint8Array, pos: number): { value: Uint8Array; end: number } | DecodeError {
  const length = readLength(b, pos);
  if ('kind' in length) return length;
  const end = length.start + length.length;
  if (end > b.length) return HEADER_TRUNCATED;
  return { value: b.subarray(length.start, end), end };
}

/**
 * key-info OPTIONAL (presence byte 0/1), CHOICE { identified-key [0] key-id, wrapped-key [1] kek-id +
 * key-ciphered-data, agreed-key [2] key-parameters + key-ciphered-data }.
 */
function readKeyInfo(b: Uint8Array, pos: number): { end: number; transported: boolean } | DecodeError {
  const present = b[pos];
  if (present === 0) return { end: pos + 1, transported: false };
  const choice = b[pos + 1];
  if (present === undefined || (present === 1 && choice === undefined)) return HEADER_TRUNCATED;
  const invalid = decodeError('syntax', 'invalid key-info in the general-ciphering APDU');
  if (present !== 1) return invalid;
  if (choice === 0) return pos + 2 < b.length ? { end: pos + 3, transported: false } : HEADER_TRUNCATED;
  let strings: number;
  let p = pos + 2;
  if (choice === 1) {
    if (p >= b.length) return HEADER_TRUNCATED;
    p++; // kek-id
    strings = 1;
  } else if (choice === 2) {
    strings = 2;
  } else {
    return invalid;
  }
  for (let i = 0; i < strings; i++) {
    const value = readOctetString(b, p);
    if ('kind' in value) return value;
    p = value.end;
  }
  return { end: p, transported: true };
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  if (length < 0x100) return [0x81, length];
  return [0x82, length >>> 8, length & 0xff];
}

function readUint32(b: Uint8Array, pos: number): number {
  return ((b[pos]! << 24) | (b[pos + 1]! << 16) | (b[pos + 2]! << 8) | b[pos + 3]!) >>> 0;
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

function fail(kind: DecodeError['kind'], message: string): { ok: false; error: DecodeError } {
  return failure(decodeError(kind, message));
}

function failure(error: DecodeError): { ok: false; error: DecodeError } {
  return { ok: false, error };
}
