/**
 * Builds wireless M-Bus frames for tests, fixtures and the simulator: link header, optional AFL, TPL header (short,
 * long or none), EN 13757-3 records (the wired encoder's), encrypted in OMS security mode 5 or 7; the inverse of the
 * decoder. Frames come out plain (no CRCs); `addCrcs` in link.ts makes format A or B of them.
 */
import { encodeRecord, type RecordSpec } from '../mbus/encode.ts';
import { DATA_LENGTH } from '../mbus/records.ts';
import { manufacturerNumber } from '../mbus/header.ts';
import { CI } from './application.ts';
import { wmbusCrc } from './crc.ts';
import { cbcEncrypt, cmac, ctrCrypt, deriveKey, mode5Iv, VERIFICATION } from './security.ts';

export interface WmbusAddress {
  manufacturer: string;
  /** Up to 8 decimal digits. */
  id: string;
  version: number;
  /** Device type (medium) byte, e.g. 0x07 water, 0x04 heat. */
  deviceType: number;
}

export type WmbusSecurity = { mode: 5; key: Uint8Array } | { mode: 7; key: Uint8Array; counter: number };

export interface WmbusFrameSpec {
  /** C field; 0x44 is SND_NR, what meters send unasked. */
  control?: number;
  address: WmbusAddress;
  /** `long` carries `meter` (or the link address) in the TPL: how a radio converter sends for a meter. */
  header?: 'short' | 'long' | 'none';
  meter?: WmbusAddress;
  accessNumber?: number;
  status?: number;
  records: readonly RecordSpec[];
  security?: WmbusSecurity;
  /** A compact frame (CI 0x79, 0x7B, 0x73): the records' data only, after their format signature and CRC. */
  compact?: boolean;
  /** An extended link layer with session number (CI 0x8D), its payload AES-CTR encrypted when `key` is given. */
  ell?: { sessionNumber: number; key?: Uint8Array };
}

/** M (2) ‖ A (ID 4, version, device type), as the link layer and the mode 5 IV order them. */
export function addressBytes(a: WmbusAddress): Uint8Array {
  const m = manufacturerNumber(a.manufacturer);
  const id = a.id.padStart(8, '0');
  const idBytes = [6, 4, 2, 0].map((i) => parseInt(id.slice(i, i + 2), 16));
  return Uint8Array.from([m & 0xff, m >> 8, ...idBytes, a.version, a.deviceType]);
}

const le16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

/** Records behind the 2F 2F verification bytes, filled up with idle fillers to whole blocks. */
function paddedPlaintext(records: Uint8Array): Uint8Array {
  const length = Math.ceil((records.length + 2) / 16) * 16;
  const out = new Uint8Array(length).fill(VERIFICATION);
  out.set(records, 2);
  return out;
}

const encodeRecords = (records: readonly RecordSpec[]) =>
  Uint8Array.from(records.flatMap((r) => Array.from(encodeRecord(r))));

/** Format signature (CRC of the DIF/VIF headers), CRC of the full records, then the records' data alone. */
function compactRecords(records: readonly RecordSpec[]): Uint8Array {
  const encoded = records.map((r) => encodeRecord(r));
  const data = encoded.map((e, i) => e.subarray(e.length - dataLength(records[i]!, e)));
  const headers = encoded.map((e, i) => e.subarray(0, e.length - data[i]!.length));
  const signature = wmbusCrc(Uint8Array.from(headers.flatMap((h) => Array.from(h))));
  const crc = wmbusCrc(encodeRecords(records));
  return Uint8Array.from([...le16(signature), ...le16(crc), ...data.flatMap((d) => Array.from(d))]);
}

/** The data length of an encoded record: what its DIF's coding says (compact frames carry no LVAR records). */
function dataLength(spec: RecordSpec, encoded: Uint8Array): number {
  const length = DATA_LENGTH[encoded[0]! & 0x0f];
  if (length === undefined || length < 0) throw new RangeError(`a compact frame cannot carry a ${spec.coding} record`);
  return length;
}

/** CI 0x8D: CC, ACC, session number (encryption bits 29-31), payload CRC; payload AES-CTR encrypted with a key. */
function encodeEll(
  ell: NonNullable<WmbusFrameSpec['ell']>,
  link: Uint8Array,
  access: number,
  rest: number[],
): number[] {
  const cc = 0x20; // slow response
  const sn = Uint8Array.from(le32((ell.sessionNumber & 0x1fffffff) | (ell.key ? 1 << 29 : 0)));
  const crc = wmbusCrc(Uint8Array.from(rest));
  const payload = Uint8Array.from([crc & 0xff, crc >> 8, ...rest]);
  if (!ell.key) return [CI.ellLong, cc, access, ...sn, ...payload];
  const counterBlock = new Uint8Array(16);
  counterBlock.set(link);
  counterBlock[8] = cc;
  counterBlock.set(sn, 9);
  return [CI.ellLong, cc, access, ...sn, ...ctrCrypt(ell.key, counterBlock, payload)];
}

export function encodeWmbusFrame(spec: WmbusFrameSpec): Uint8Array {
  const link = addressBytes(spec.address);
  const header = spec.header ?? 'short';
  const who = header === 'long' ? addressBytes(spec.meter ?? spec.address) : link;
  const access = spec.accessNumber ?? 0;
  const records = spec.compact ? compactRecords(spec.records) : encodeRecords(spec.records);
  const security = spec.security;
  if (header === 'none' && security) throw new RangeError('a frame without a TPL header cannot be encrypted');
  let data: Uint8Array = records;
  let cfg = 0;
  let afl: number[] = [];
  if (security) {
    const plain = paddedPlaintext(records);
    cfg = (security.mode << 8) | ((plain.length / 16) << 4);
    if (security.mode === 5) {
      data = cbcEncrypt(security.key, mode5Iv(who, access), plain);
    } else {
      const counter = Uint8Array.from(le32(security.counter));
      data = cbcEncrypt(deriveKey(security.key, 'enc', counter, who.subarray(2, 6)), null, plain);
    }
  }
  const tplCi = spec.compact
    ? { long: CI.compactLong, short: CI.compactShort, none: CI.compactNone }[header]
    : { long: CI.tplLong, short: CI.tplShort, none: CI.tplNone }[header];
  const longFields = header === 'long' ? [...who.subarray(2, 6), who[0]!, who[1]!, who[6]!, who[7]!] : [];
  const tplFields = header === 'none' ? [] : [access, spec.status ?? 0, ...le16(cfg)];
  const cfe = security?.mode === 7 ? [0x10] : []; // key derivation function A
  const tpl = Uint8Array.from([tplCi, ...longFields, ...tplFields, ...cfe, ...data]);
  if (security?.mode === 7) {
    // AFL: fragmentation control (message control, counter and MAC present), MCL (AES-CMAC-128, 8 bytes), counter.
    const mcl = 0x05;
    const counter = le32(security.counter);
    const signed = Uint8Array.from([mcl, ...counter, ...tpl]);
    const mac = cmac(deriveKey(security.key, 'mac', Uint8Array.from(counter), who.subarray(2, 6)), signed, 8);
    afl = [CI.afl, 15, ...le16(0x2c00), mcl, ...counter, ...mac];
  }
  const rest = [...afl, ...tpl];
  const body = [spec.control ?? 0x44, ...link, ...(spec.ell ? encodeEll(spec.ell, link, access, rest) : rest)];
  if (body.length > 255)
    throw new RangeError(`a wireless M-Bus frame holds at most 255 bytes after L, got ${body.length}`);
  return Uint8Array.from([body.length, ...body]);
}
