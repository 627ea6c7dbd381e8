/**
 * The sending side, for tests and the meter simulator: A-XDR data, data-notification, general block transfer,
 * optional ciphering (encipherApdu), and the link framings (HDLC with segmentation, wired M-Bus segments).
 * Inputs are the program's own: invalid options throw RangeError.
 */
import { parseObis } from '../obis.ts';
import type { CivilTime } from '../../time.ts';
import { TAG, type DlmsData } from './axdr.ts';
import { encipherApdu, type EncipherOptions } from './ciphering.ts';
import { crc16x25 } from './crc16.ts';
import { GBT_TAG } from './gbt.ts';
import { HDLC_FLAG } from './hdlc.ts';
import { DATA_NOTIFICATION_TAG } from './notification.ts';
import { concat } from './sequence.ts';

const LLC_SERVER = [0xe6, 0xe7, 0x00];

export function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  if (length < 0x100) return [0x81, length];
  if (length < 0x10000) return [0x82, length >> 8, length & 0xff];
  return [0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
}

function numberBytes(size: number, write: (view: DataView) => void): number[] {
  const view = new DataView(new ArrayBuffer(size));
  write(view);
  return Array.from(new Uint8Array(view.buffer));
}

function bitStringBytes(bits: string): number[] {
  const bytes = new Array<number>(Math.ceil(bits.length / 8)).fill(0);
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') bytes[i >> 3]! |= 0x80 >> (i & 7);
  return [...encodeLength(bits.length), ...bytes];
}

/** Tagged A-XDR encoding of `data` (a descriptor is written untagged, as the Czech dialect sends it). */
export function encodeData(data: DlmsData): Uint8Array {
  const out: number[] = [];
  write(data, out);
  return Uint8Array.from(out);
}

function write(d: DlmsData, out: number[]): void {
  const push = (tag: number, bytes: ArrayLike<number>): void => {
    out.push(tag, ...Array.from(bytes));
  };
  switch (d.type) {
    case 'null':
      return void out.push(TAG.null);
    case 'array':
    case 'structure':
      out.push(d.type === 'array' ? TAG.array : TAG.structure, ...encodeLength(d.items.length));
      for (const item of d.items) write(item, out);
      return;
    case 'descriptor':
      return void out.push(d.classId >> 8, d.classId & 0xff, ...d.obis, d.attribute);
    case 'boolean':
      return push(TAG.boolean, [d.value ? 1 : 0]);
    case 'bit-string':
      return push(TAG.bitString, bitStringBytes(d.value));
    case 'octet-string':
      return push(TAG.octetString, [...encodeLength(d.value.length), ...d.value]);
    case 'visible-string':
    case 'utf8-string': {
      const bytes =
        d.type === 'utf8-string'
          ? Array.from(new TextEncoder().encode(d.value))
          : Array.from(d.value, (ch) => ch.charCodeAt(0) & 0xff);
      return push(d.type === 'visible-string' ? TAG.visibleString : TAG.utf8String, [
        ...encodeLength(bytes.length),
        ...bytes,
      ]);
    }
    case 'date-time':
    case 'date':
    case 'time':
      return push(d.type === 'date-time' ? TAG.dateTime : d.type === 'date' ? TAG.date : TAG.time, d.value);
    default:
      return push(...numeric(d.type, d.value));
  }
}

function numeric(type: Exclude<DlmsData['type'], 'null'>, value: number | bigint): [number, number[]] {
  const n = Number(value);
  switch (type) {
    case 'integer':
      return [TAG.integer, numberBytes(1, (v) => v.setInt8(0, n))];
    case 'unsigned':
      return [TAG.unsigned, [n & 0xff]];
    case 'enum':
      return [TAG.enum, [n & 0xff]];
    case 'bcd':
      return [TAG.bcd, [n & 0xff]];
    case 'long':
      return [TAG.long, numberBytes(2, (v) => v.setInt16(0, n))];
    case 'long-unsigned':
      return [TAG.longUnsigned, numberBytes(2, (v) => v.setUint16(0, n))];
    case 'double-long':
      return [TAG.doubleLong, numberBytes(4, (v) => v.setInt32(0, n))];
    case 'double-long-unsigned':
      return [TAG.doubleLongUnsigned, numberBytes(4, (v) => v.setUint32(0, n))];
    case 'long64':
      return [TAG.long64, numberBytes(8, (v) => v.setBigInt64(0, BigInt(value)))];
    case 'long64-unsigned':
      return [TAG.long64Unsigned, numberBytes(8, (v) => v.setBigUint64(0, BigInt(value)))];
    case 'float32':
      return [TAG.float32, numberBytes(4, (v) => v.setFloat32(0, n))];
    case 'float64':
      return [TAG.float64, numberBytes(8, (v) => v.setFloat64(0, n))];
    default:
      throw new RangeError(`cannot encode ${type} as a number`);
  }
}

/** An OBIS code as the 6-byte octet string COSEM sends (`F` defaults to 255). */
export function obisData(code: string): DlmsData {
  const parts = parseObis(code);
  if (!parts) throw new RangeError(`not an OBIS code: ${code}`);
  return { type: 'octet-string', value: Uint8Array.from(parts.length === 5 ? [...parts, 255] : parts) };
}

/** COSEM date-time; `deviation` in minutes to add to local time for UTC (-60 for CET), null = unspecified. */
export function encodeDateTime(t: CivilTime, deviation: number | null, clockStatus = 0): Uint8Array {
  const dev = deviation === null ? 0x8000 : deviation & 0xffff;
  return Uint8Array.of(
    t.year >> 8,
    t.year & 0xff,
    t.month,
    t.day,
    0xff,
    t.hour,
    t.minute,
    t.second,
    0xff,
    dev >> 8,
    dev & 0xff,
    clockStatus,
  );
}

export interface NotificationOptions {
  invokeId?: number;
  /** The 12-byte header date-time (omitted when absent). */
  dateTime?: Uint8Array;
}

export function encodeDataNotification(body: DlmsData, options: NotificationOptions = {}): Uint8Array {
  const id = options.invokeId ?? 0;
  const header = [DATA_NOTIFICATION_TAG, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff];
  const dateTime = options.dateTime ? [12, ...options.dateTime] : [0];
  return concat([Uint8Array.from([...header, ...dateTime]), encodeData(body)]);
}

/** Splits an APDU into general-block-transfer blocks of at most `blockSize` data bytes, numbered from 1. */
export function encodeGbtBlocks(apdu: Uint8Array, blockSize: number): Uint8Array[] {
  if (blockSize < 1) throw new RangeError('GBT block size must be at least 1');
  const blocks: Uint8Array[] = [];
  for (let at = 0, n = 1; at < apdu.length || n === 1; at += blockSize, n++) {
    const data = apdu.subarray(at, at + blockSize);
    const last = at + blockSize >= apdu.length;
    const header = [GBT_TAG, last ? 0x80 : 0x00, n >> 8, n & 0xff, 0, 0, ...encodeLength(data.length)];
    blocks.push(concat([Uint8Array.from(header), data]));
  }
  return blocks;
}

export interface HdlcOptions {
  /** Destination (client) address bytes as sent, the last with its LSB set; default 0x41 (client 0x20). */
  destination?: number[];
  /** Source (server) address bytes as sent; default 0x03 (server 1). */
  source?: number[];
  /** Largest information field per frame; longer ones are segmented. Default 128. */
  maxInfo?: number;
  /** Prefix the LLC header E6 E7 00 (default true). */
  llc?: boolean;
  /** Let consecutive frames share one flag (default false: each frame has both flags). */
  sharedFlags?: boolean;
}

/** HDLC frames of IEC 62056-46 carrying `apdu`, segmented when longer than maxInfo. */
export function encodeHdlc(apdu: Uint8Array, options: HdlcOptions = {}): Uint8Array {
  const info = options.llc === false ? apdu : concat([Uint8Array.from(LLC_SERVER), apdu]);
  const max = options.maxInfo ?? 128;
  const dest = options.destination ?? [0x41];
  const src = options.source ?? [0x03];
  const frames: Uint8Array[] = [];
  for (let at = 0; at < info.length || at === 0; at += max) {
    const part = info.subarray(at, at + max);
    const segmented = at + max < info.length;
    const length = 2 + dest.length + src.length + 1 + 2 + part.length + 2;
    if (length > 0x7ff) throw new RangeError(`HDLC frame of ${length} bytes exceeds 2047: lower maxInfo`);
    const header = Uint8Array.from([
      0xa0 | (segmented ? 0x08 : 0) | (length >> 8),
      length & 0xff,
      ...dest,
      ...src,
      0x13,
    ]);
    const hcs = crc16x25(header);
    const body = concat([header, Uint8Array.of(hcs & 0xff, hcs >> 8), part]);
    const fcs = crc16x25(body);
    frames.push(concat([Uint8Array.of(HDLC_FLAG), body, Uint8Array.of(fcs & 0xff, fcs >> 8)]));
    if (!options.sharedFlags || !segmented) frames.push(Uint8Array.of(HDLC_FLAG));
  }
  return concat(frames);
}

export interface MbusOptions {
  /** Largest APDU segment per frame (at most 250, the default). */
  maxSegment?: number;
  control?: number;
  address?: number;
}

/** Wired M-Bus long frames carrying `apdu` in numbered segments (CI = sequence | 0x10 on the last). */
export function encodeMbus(apdu: Uint8Array, options: MbusOptions = {}): Uint8Array {
  const max = Math.min(options.maxSegment ?? 250, 250);
  if (max < 1) throw new RangeError('M-Bus segment size must be at least 1');
  const frames: Uint8Array[] = [];
  for (let at = 0, seq = 0; at < apdu.length || at === 0; at += max, seq = (seq + 1) & 0x0f) {
    const part = apdu.subarray(at, at + max);
    const final = at + max >= apdu.length;
    const body = concat([
      Uint8Array.of(options.control ?? 0x53, options.address ?? 0xff, seq | (final ? 0x10 : 0), 0x01, 0x67),
      part,
    ]);
    const sum = body.reduce((s, b) => s + b, 0) & 0xff;
    frames.push(concat([Uint8Array.of(0x68, body.length, body.length, 0x68), body, Uint8Array.of(sum, 0x16)]));
  }
  return concat(frames);
}

export interface PushOptions extends NotificationOptions {
  transport: 'hdlc' | 'mbus' | 'raw';
  /** Cipher the data-notification (general-glo-ciphering unless `tag` says otherwise). */
  cipher?: EncipherOptions;
  /** Carry the (ciphered) APDU in general-block-transfer blocks of this many bytes. */
  gbtBlockSize?: number;
  hdlc?: HdlcOptions;
  mbus?: MbusOptions;
}

/** A whole push on the wire: data-notification → ciphering → block transfer → link framing. */
export function encodePush(body: DlmsData, options: PushOptions): Uint8Array {
  let apdu = encodeDataNotification(body, options);
  if (options.cipher) apdu = encipherApdu(apdu, options.cipher);
  const apdus = options.gbtBlockSize ? encodeGbtBlocks(apdu, options.gbtBlockSize) : [apdu];
  const framed = apdus.map((a, i) => {
    if (options.transport === 'hdlc')
      return encodeHdlc(a, { ...options.hdlc, llc: i === 0 && options.hdlc?.llc !== false });
    if (options.transport === 'mbus') return encodeMbus(a, options.mbus);
    return a;
  });
  return concat(framed);
}
