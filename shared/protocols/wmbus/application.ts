/**
 * From a plain wireless M-Bus frame to a message: the optional extended link layer (ELL, CI 0x8C-0x8F) and
 * authentication and fragmentation layer (AFL, CI 0x90), the transport layer header (TPL: CI 0x7A short, 0x72 long,
 * 0x78 none) with its security mode, then the EN 13757-3 data records, read by the wired M-Bus decoder's parser.
 */
import { identification, manufacturerCode, mediumName, statusText } from '../mbus/header.ts';
import { unixTime } from '../mbus/application.ts';
import { parseRecords, type RecordsResult } from '../mbus/records.ts';
import {
  decodeError,
  type DecodeError,
  type DecodeErrorKind,
  type DecodeOutput,
  type MbusDevice,
  type MbusMessage,
  type MeterInfo,
} from '../types.ts';
import { expandCompact, type CompactFormats } from './compact.ts';
import { wmbusCrc } from './crc.ts';
import { descrambleRealData, isDiehlRealData, realDataAddress } from './diehl-real-data.ts';
import { FIRST_BLOCK, readLinkHeader } from './link.ts';
import { cbcDecrypt, cmac, ctrCrypt, DEFAULT_KEYS, deriveKey, mode5Iv, VERIFICATION } from './security.ts';

export interface WmbusKeys {
  /** The key for every meter without its own. */
  key?: Uint8Array;
  /** The key of the meter with this ID (8 digits as decoded), tried first. */
  meterKey?: (meterId: string) => Uint8Array | undefined;
  timeZone?: string;
}

export const CI = {
  ellShort: 0x8c,
  ellLong: 0x8d,
  ellShortReceiver: 0x8e,
  ellLongReceiver: 0x8f,
  afl: 0x90,
  tplLong: 0x72,
  tplShort: 0x7a,
  tplNone: 0x78,
  compactLong: 0x73,
  compactShort: 0x7b,
  compactNone: 0x79,
} as const;

/** ELL header length after the CI: CC, ACC, [receiver M and A], [session number (4) and payload CRC (2)]. */
const ELL_LENGTH: Record<number, number> = {
  [CI.ellShort]: 2,
  [CI.ellLong]: 8,
  [CI.ellShortReceiver]: 10,
  [CI.ellLongReceiver]: 16,
};
/** Transport headers by CI: full frames and compact frames (the same headers, records without DIF/VIF). */
const TPL: Record<number, { header: 'long' | 'short' | 'none'; compact: boolean }> = {
  [CI.tplLong]: { header: 'long', compact: false },
  [CI.tplShort]: { header: 'short', compact: false },
  [CI.tplNone]: { header: 'none', compact: false },
  [CI.compactLong]: { header: 'long', compact: true },
  [CI.compactShort]: { header: 'short', compact: true },
  [CI.compactNone]: { header: 'none', compact: true },
};
const FORMAT_CI = new Set([0x69, 0x6a, 0x6b]);

type Failure = { ok: false; error: DecodeError };
const fail = (kind: DecodeErrorKind, message: string): Failure => ({
  ok: false,
  error: decodeError(kind, message),
});
const hexCi = (ci: number) => `0x${ci.toString(16).toUpperCase().padStart(2, '0')}`;

/** Who the meter is: the TPL long header's identity when there is one (a radio converter sends for the meter). */
interface Identity {
  /** M (2) and A (ID 4, version, device type) as sent: the mode 5 IV's first 8 bytes. */
  address: Uint8Array;
  device: MbusDevice;
}

function identity(mAndA: Uint8Array, accessNumber: number, status: number): Identity {
  return {
    address: mAndA,
    device: {
      id: identification(mAndA.subarray(2, 6), false),
      manufacturer: manufacturerCode(mAndA[0]! | (mAndA[1]! << 8)),
      version: mAndA[6]!,
      medium: mediumName(mAndA[7]!),
      accessNumber,
      status: statusText(status),
    },
  };
}

/** The keys to try for a meter, best first: its own, the general one, its manufacturer's default. */
function candidateKeys(keys: WmbusKeys, device: MbusDevice, linkManufacturer: string): Uint8Array[] {
  const list = [
    keys.meterKey?.(device.id),
    keys.key,
    DEFAULT_KEYS[device.manufacturer],
    DEFAULT_KEYS[linkManufacturer],
  ];
  return list.filter((k, i): k is Uint8Array => k !== undefined && list.indexOf(k) === i);
}

interface Afl {
  /** MCL ‖ MCR ‖ [ML]: the AFL fields the MAC covers before the TPL. */
  macPrefix: Uint8Array;
  counter?: Uint8Array;
  mac?: Uint8Array;
}

/** MAC lengths by the MCL's authentication type (EN 13757-7, table 9): AES-CMAC-128 truncated. */
const MAC_LENGTH: Record<number, number> = { 3: 2, 4: 4, 5: 8, 6: 12, 7: 16 };

function readAfl(fields: Uint8Array): Afl | string {
  if (fields.length < 2) return 'the AFL ends inside its fragmentation control field';
  const fcl = fields[0]! | (fields[1]! << 8);
  if (fcl & 0x4000) return 'the message is fragmented over several frames (AFL more-fragments bit), not supported';
  let at = 2;
  const take = (n: number) => (at + n <= fields.length ? fields.subarray(at, (at += n)) : undefined);
  const mclPresent = (fcl & 0x2000) !== 0;
  const mcl = mclPresent ? take(1)?.[0] : undefined;
  if (mclPresent && mcl === undefined) return 'the AFL ends inside its message control field';
  if (fcl & 0x0200 && !take(2)) return 'the AFL ends inside its key information field';
  const counter = fcl & 0x0800 ? take(4) : undefined;
  if (fcl & 0x0800 && !counter) return 'the AFL ends inside its message counter';
  const macLength = fcl & 0x0400 ? MAC_LENGTH[(mcl ?? 0) & 0x0f] : 0;
  if (macLength === undefined) return `the AFL names an unknown authentication type ${(mcl ?? 0) & 0x0f}`;
  const mac = macLength ? take(macLength) : undefined;
  if (macLength && !mac) return 'the AFL ends inside its MAC';
  const ml = fcl & 0x1000 ? take(2) : undefined;
  const prefix = [...(mcl === undefined ? [] : [mcl]), ...(counter ?? []), ...(ml ?? [])];
  return { macPrefix: Uint8Array.from(prefix), counter, mac };
}

interface Ell {
  accessNumber: number;
  /** The payload (from the payload CRC on) after CTR decryption, when the ELL was encrypted. */
  payload?: Uint8Array;
}

/** Reads the ELL at `at`; decrypts its payload (AES-CTR) when its session number says so. */
function readEll(frame: Uint8Array, at: number, keys: WmbusKeys, linkIdentity: Identity): Ell | Failure {
  const ci = frame[at]!;
  const length = ELL_LENGTH[ci]!;
  if (frame.length < at + 1 + length)
    return fail('truncated', `the frame ends inside its ELL header (CI ${hexCi(ci)})`);
  const cc = frame[at + 1]!;
  const accessNumber = frame[at + 2]!;
  if (ci === CI.ellShort || ci === CI.ellShortReceiver) return { accessNumber };
  const snAt = at + 1 + length - 6;
  const sn = frame.subarray(snAt, snAt + 4);
  const encryption = sn[3]! >>> 5;
  const payloadAt = snAt + 4;
  const payload = frame.subarray(payloadAt);
  const crcOk = (p: Uint8Array) => (p[0]! | (p[1]! << 8)) === wmbusCrc(p, 2);
  // The payload CRC covers the plain payload: it tells a decrypting receiver's output from ciphertext.
  if (crcOk(payload)) return { accessNumber };
  if (encryption !== 1) return fail('crc', `meter ${linkIdentity.device.id}: the ELL payload CRC does not match`);
  const counterBlock = new Uint8Array(16);
  counterBlock.set(linkIdentity.address, 0);
  counterBlock[8] = cc;
  counterBlock.set(sn, 9);
  for (const key of candidateKeys(keys, linkIdentity.device, linkIdentity.device.manufacturer)) {
    const plain = ctrCrypt(key, counterBlock, payload);
    if (crcOk(plain)) return { accessNumber, payload: plain };
  }
  return noKey(linkIdentity.device, 'ELL AES-CTR', keys);
}

/** A decrypt error naming the meter, so that the UI can offer to set that meter's key. */
function noKey(device: MbusDevice, what: string, keys: WmbusKeys): Failure {
  const given = keys.key !== undefined || keys.meterKey?.(device.id) !== undefined;
  const meter = `meter ${device.id} (${device.manufacturer})`;
  const message = given
    ? `${meter}: the key does not decrypt its ${what} data: check the key for this meter`
    : `${meter} sends ${what} encrypted data: give its key (--key, or the meter's key in the configuration)`;
  return { ok: false, error: decodeError('decrypt', message, device.id) };
}

interface Tpl {
  compact: boolean;
  identity: Identity;
  mode: number;
  blocks: number;
  headerEnd: number;
}

/** Reads the TPL header at `at` (the CI, one of TPL's). */
function readTpl(frame: Uint8Array, at: number, link: Identity, ellAccess?: number): Tpl | Failure {
  const ci = frame[at]!;
  const { header, compact } = TPL[ci]!;
  if (header === 'none') {
    const device = ellAccess === undefined ? link.device : { ...link.device, accessNumber: ellAccess };
    return { compact, identity: { ...link, device }, mode: 0, blocks: 0, headerEnd: at + 1 };
  }
  const long = header === 'long';
  const start = at + 1 + (long ? 8 : 0);
  if (frame.length < start + 4) return fail('truncated', `the frame ends inside its TPL header (CI ${hexCi(ci)})`);
  let who = link;
  if (long) {
    // The long header orders its identity ID, M, version, type: rebuilt as M ‖ A for the IV.
    const h = frame.subarray(at + 1, at + 9);
    who = identity(Uint8Array.of(h[4]!, h[5]!, h[0]!, h[1]!, h[2]!, h[3]!, h[6]!, h[7]!), 0, 0);
  }
  const accessNumber = frame[start]!;
  const cfg = frame[start + 2]! | (frame[start + 3]! << 8);
  const mode = (cfg >> 8) & 0x1f;
  const device = { ...who.device, accessNumber, status: statusText(frame[start + 1]!) };
  const headerEnd = start + 4 + (mode === 7 ? 1 : 0);
  if (frame.length < headerEnd) return fail('truncated', 'the frame ends inside its TPL configuration field');
  return { compact, identity: { address: who.address, device }, mode, blocks: (cfg >> 4) & 0x0f, headerEnd };
}

function unsupportedCi(ci: number): Failure {
  if (FORMAT_CI.has(ci)) return fail('unsupported', `wireless M-Bus CI ${hexCi(ci)} is a format frame (no values)`);
  return fail(
    'unsupported',
    `wireless M-Bus CI ${hexCi(ci)} is not supported: this decoder reads ELL 0x8C-0x8F, AFL 0x90, TPL 0x72, 0x7A, 0x78 and their compact frames 0x73, 0x7B, 0x79`,
  );
}

/** Decrypts the TPL's encrypted blocks; the rest of the data follows unencrypted. */
function decryptTpl(
  frame: Uint8Array,
  tplAt: number,
  tpl: Tpl,
  afl: Afl | undefined,
  keys: WmbusKeys,
  linkManufacturer: string,
): { data: Uint8Array; encrypted: boolean; encryptedLength: number } | Failure {
  const data = frame.subarray(tpl.headerEnd);
  const { device } = tpl.identity;
  if (tpl.mode === 0) return { data, encrypted: false, encryptedLength: 0 };
  if (isDiehlRealData(linkManufacturer, tpl.mode)) {
    const plain = descrambleRealData(frame, tpl.headerEnd, (p) => parseRecords(p).ok);
    if (plain) return { data: plain, encrypted: true, encryptedLength: plain.length };
    const message = `meter ${device.id} (${device.manufacturer}) sends Diehl real data (security mode ${tpl.mode}) that neither of Diehl's default keys reads; other keys for this mode are not supported`;
    return { ok: false, error: decodeError('decrypt', message, device.id) };
  }
  if (tpl.mode !== 5 && tpl.mode !== 7) {
    return fail(
      'unsupported',
      `meter ${device.id} (${device.manufacturer}) uses security mode ${tpl.mode}, not supported (5 and 7 are)`,
    );
  }
  const length = tpl.blocks ? tpl.blocks * 16 : data.length - (data.length % 16);
  if (length > data.length || length === 0) {
    return fail(
      'truncated',
      `meter ${device.id}: ${tpl.blocks} encrypted blocks announced, ${data.length} bytes follow`,
    );
  }
  const cipher = data.subarray(0, length);
  const verified = (p: Uint8Array) => p[0] === VERIFICATION && p[1] === VERIFICATION;
  const join = (plain: Uint8Array) => {
    const out = new Uint8Array(data.length);
    out.set(plain);
    out.set(data.subarray(length), length);
    return out;
  };
  if (tpl.mode === 7 && !afl?.counter) {
    return fail(
      'unsupported',
      `meter ${device.id}: security mode 7 without an AFL message counter, no key can be derived`,
    );
  }
  for (const key of candidateKeys(keys, device, linkManufacturer)) {
    if (tpl.mode === 5) {
      const plain = cbcDecrypt(key, mode5Iv(tpl.identity.address, device.accessNumber), cipher);
      if (verified(plain)) return { data: join(plain), encrypted: true, encryptedLength: length };
      continue;
    }
    const id = tpl.identity.address.subarray(2, 6);
    const plain = cbcDecrypt(deriveKey(key, 'enc', afl!.counter!, id), null, cipher);
    if (!verified(plain)) continue;
    if (afl!.mac) {
      const signed = new Uint8Array(afl!.macPrefix.length + frame.length - tplAt);
      signed.set(afl!.macPrefix);
      signed.set(frame.subarray(tplAt), afl!.macPrefix.length);
      const expected = cmac(deriveKey(key, 'mac', afl!.counter!, id), signed, afl!.mac.length);
      if (expected.some((b, i) => b !== afl!.mac![i])) {
        return fail('decrypt', `meter ${device.id}: the message's MAC does not match: altered, or a different key`);
      }
    }
    return { data: join(plain), encrypted: true, encryptedLength: length };
  }
  // A receiver that decrypts (or a simulation) passes the plain data on with the header unchanged.
  if (verified(cipher)) return { data, encrypted: false, encryptedLength: length };
  return noKey(device, `mode ${tpl.mode}`, keys);
}

/**
 * The records of the data. Some receivers leave bytes after the encrypted blocks that form no record (a CRC they
 * did not strip): when only that unencrypted tail fails, the decrypted records stand on their own.
 */
function readRecords(plain: { data: Uint8Array; encryptedLength: number }): RecordsResult {
  const parsed = parseRecords(plain.data);
  if (parsed.ok || plain.encryptedLength === 0 || plain.encryptedLength === plain.data.length) return parsed;
  const decrypted = parseRecords(plain.data.subarray(0, plain.encryptedLength));
  return decrypted.ok ? decrypted : parsed;
}

/**
 * Decodes one plain frame (L, C, M, A, CI, ... without CRCs). `formats` carries the record formats of full frames
 * seen before in the stream, which compact frames need; without it, compact frames are `unsupported`.
 */
export function decodeFrame(frame: Uint8Array, keys: WmbusKeys = {}, formats?: CompactFormats): DecodeOutput {
  if (frame.length < FIRST_BLOCK + 1) return fail('truncated', 'a wireless M-Bus frame needs at least 11 bytes');
  const header = readLinkHeader(frame);
  let link = identity(header.address, 0, 0);
  const linkManufacturer = link.device.manufacturer;
  let at = FIRST_BLOCK;
  let body = frame;
  let ellAccess: number | undefined;
  let ellEncrypted = false;
  if (ELL_LENGTH[header.ci] !== undefined) {
    const ell = readEll(frame, at, keys, link);
    if ('ok' in ell) return ell;
    ellAccess = ell.accessNumber;
    at += 1 + ELL_LENGTH[header.ci]!;
    if (ell.payload) {
      ellEncrypted = true;
      // The decrypted payload replaces the ciphertext; later offsets stay those of the frame.
      body = Uint8Array.from(frame);
      body.set(ell.payload, at - 2);
    }
  }
  let afl: Afl | undefined;
  if (body[at] === CI.afl) {
    const length = body[at + 1];
    if (length === undefined || at + 2 + length > body.length)
      return fail('truncated', 'the frame ends inside its AFL');
    const read = readAfl(body.subarray(at + 2, at + 2 + length));
    if (typeof read === 'string') return fail('unsupported', `meter ${link.device.id}: ${read}`);
    afl = read;
    at += 2 + length;
  }
  const ci = body[at];
  if (ci === undefined) return fail('truncated', `meter ${link.device.id}: the frame ends before its transport layer`);
  if (TPL[ci] === undefined) return unsupportedCi(ci);
  let tpl = readTpl(body, at, link, ellAccess);
  if ('ok' in tpl) return tpl;
  if (isDiehlRealData(linkManufacturer, tpl.mode) && tpl.identity.address === header.address) {
    // Diehl real data sends the meter's version and type before its ID.
    const { accessNumber, status } = tpl.identity.device;
    link = identity(realDataAddress(header.address), 0, 0);
    tpl = { ...tpl, identity: { address: link.address, device: { ...link.device, accessNumber, status } } };
  }
  const plain = decryptTpl(body, at, tpl, afl, keys, linkManufacturer);
  if ('ok' in plain) return plain;
  const { device } = tpl.identity;
  const meter = `${device.manufacturer} ${device.id}`;
  let parsed: RecordsResult;
  if (tpl.compact) {
    // Decrypted data starts with the two verification bytes; the compact header follows.
    const data = tpl.mode === 0 ? plain.data : plain.data.subarray(2);
    const { address } = tpl.identity;
    const family = { manufacturer: device.manufacturer, version: address[6]!, deviceType: address[7]! };
    const expanded = expandCompact(meter, family, data, formats);
    if (!expanded.ok) return fail(expanded.kind, expanded.message);
    parsed = parseRecords(expanded.records);
  } else {
    parsed = readRecords(plain);
    if (parsed.ok) formats?.learn(meter, plain.data);
  }
  if (!parsed.ok) return fail('syntax', `wireless M-Bus frame from meter ${device.id}: ${parsed.problem}`);
  const encrypted = plain.encrypted || ellEncrypted;
  const info: MeterInfo = { transport: 'wmbus', manufacturer: device.manufacturer, encrypted };
  // A radio converter or repeater that sends for the meter: its own address, for diagnosis.
  if (link.device.id !== device.id) info.device = `${linkManufacturer} ${link.device.id}`;
  const message: MbusMessage = { protocol: 'wmbus', meterId: device.id, device, values: parsed.records, info };
  const timestamp = unixTime(parsed.clock, keys.timeZone);
  if (timestamp !== undefined) message.timestamp = timestamp;
  return { ok: true, message };
}
