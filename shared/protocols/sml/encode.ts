/**
 * SML files as meters send them, for fixtures and the simulator: an open response, one GetList response with the
 * given entries, a close response, each message with its CRC, the file padded, escaped and closed with its CRC.
 */
import { crc16x25 } from '../dlms/crc16.ts';
import { parseObis } from '../obis.ts';
import { CLOSE_RESPONSE, GET_LIST_RESPONSE, OPEN_RESPONSE } from './body-tags.ts';
import { END_MARK, isEscape, START } from './escape.ts';
import { TYPE_BOOLEAN, TYPE_INTEGER, TYPE_LIST, TYPE_OCTETS, TYPE_UNSIGNED } from './tl.ts';

export interface SmlEntrySpec {
  /** `A-B:C.D.E[*F]`. */
  obis: string;
  /** The unscaled integer, text (sent as an octet string) or raw octets. */
  value: number | string | Uint8Array | boolean;
  /** DLMS unit code (27 W, 30 Wh, 33 A, 35 V, 44 Hz); absent when not given. */
  unit?: number;
  scaler?: number;
  /** Integer type on the wire; by default signed for negative values, unsigned otherwise. */
  type?: 'integer' | 'unsigned';
  /** Bytes of the integer (1-8); by default the smallest of 1, 2, 4, 8 that holds it. */
  size?: number;
  status?: number;
  /** Unix seconds, sent as the entry's valTime. */
  valTime?: number;
}

export interface SmlFileSpec {
  serverId: Uint8Array;
  entries: SmlEntrySpec[];
  /** Seconds since the meter started (secIndex), the GetList response's actSensorTime as most eHZ meters send it. */
  secIndex?: number;
  /** Unix seconds, sent as actSensorTime instead of a second index (meters with a clock). */
  timestamp?: number;
  transactionId?: number;
}

/** An encoder-side node: `null` is an optional field left out (01). */
type Node =
  null | { octets: Uint8Array } | { bool: boolean } | { int: number; size: number; signed: boolean } | { list: Node[] };

const ABSENT: Node = null;
const u8 = (v: number): Node => ({ int: v, size: 1, signed: false });
const u16 = (v: number): Node => ({ int: v, size: 2, signed: false });
const u32 = (v: number): Node => ({ int: v, size: 4, signed: false });
const text = (s: string): Node => ({ octets: new TextEncoder().encode(s) });

function tl(type: number, length: number, out: number[]): void {
  // Lengths of numbers and strings count their TL bytes: grow the TL until the total fits.
  let bytes = 1;
  const counts = type !== TYPE_LIST;
  while ((counts ? length + bytes : length) >= 16 ** bytes) bytes++;
  const total = counts ? length + bytes : length;
  for (let i = bytes - 1; i >= 0; i--) {
    const nibble = (total >> (4 * i)) & 0x0f;
    const more = i > 0 ? 0x80 : 0;
    out.push(i === bytes - 1 ? more | (type << 4) | nibble : more | nibble);
  }
}

function encodeNode(node: Node, out: number[]): void {
  if (node === null) {
    out.push(0x01);
  } else if ('octets' in node) {
    tl(TYPE_OCTETS, node.octets.length, out);
    out.push(...node.octets);
  } else if ('bool' in node) {
    tl(TYPE_BOOLEAN, 1, out);
    out.push(node.bool ? 1 : 0);
  } else if ('int' in node) {
    tl(node.signed ? TYPE_INTEGER : TYPE_UNSIGNED, node.size, out);
    // Two's complement, big-endian, without BigInt: the low bytes from the remainder, the rest from the quotient.
    let v = node.int < 0 ? node.int + 2 ** (8 * node.size) : node.int;
    const bytes: number[] = [];
    for (let i = 0; i < node.size; i++) {
      bytes.push(v % 256);
      v = Math.floor(v / 256);
    }
    out.push(...bytes.reverse());
  } else {
    tl(TYPE_LIST, node.list.length, out);
    for (const item of node.list) encodeNode(item, out);
  }
}

function integer(value: number, type: SmlEntrySpec['type'], size: number | undefined): Node {
  const signed = type ? type === 'integer' : value < 0;
  const fits = (n: number) =>
    signed ? Math.abs(value + (value < 0 ? 1 : 0)) < 2 ** (8 * n - 1) : value < 2 ** (8 * n);
  return { int: value, size: size ?? [1, 2, 4, 8].find(fits) ?? 8, signed };
}

function entry(spec: SmlEntrySpec): Node {
  const { value } = spec;
  const valueNode: Node =
    typeof value === 'number'
      ? integer(value, spec.type, spec.size)
      : typeof value === 'boolean'
        ? { bool: value }
        : typeof value === 'string'
          ? text(value)
          : { octets: value };
  const obis = parseObis(spec.obis) ?? [0, 0, 0, 0, 0];
  return {
    list: [
      { octets: Uint8Array.from([...obis.slice(0, 5), obis[5] ?? 255]) },
      spec.status === undefined ? ABSENT : u32(spec.status),
      spec.valTime === undefined ? ABSENT : { list: [u8(2), u32(spec.valTime)] },
      spec.unit === undefined ? ABSENT : u8(spec.unit),
      spec.scaler === undefined ? ABSENT : { int: spec.scaler, size: 1, signed: true },
      valueNode,
      ABSENT,
    ],
  };
}

/** SML_Message with its CRC over everything before the CRC field, then endOfSmlMsg. */
function message(transactionId: number, tag: number, content: Node, out: number[]): void {
  const start = out.length;
  out.push(0x76); // a list of six
  encodeNode(text(`T${transactionId}`), out);
  encodeNode(u8(0), out);
  encodeNode(u8(0), out);
  encodeNode({ list: [u16(tag), content] }, out);
  encodeNode(u16(crc16x25(Uint8Array.from(out.slice(start)))), out);
  out.push(0x00);
}

export function encodeSmlFile(spec: SmlFileSpec): Uint8Array {
  const id = spec.transactionId ?? 1;
  const serverId: Node = { octets: spec.serverId };
  const data: number[] = [];
  message(id, OPEN_RESPONSE, { list: [ABSENT, ABSENT, text(`F${id}`), serverId, ABSENT, ABSENT] }, data);
  const sensorTime: Node =
    spec.timestamp !== undefined
      ? { list: [u8(2), u32(spec.timestamp)] }
      : spec.secIndex !== undefined
        ? { list: [u8(1), u32(spec.secIndex)] }
        : ABSENT;
  const valList: Node = { list: spec.entries.map(entry) };
  message(id + 1, GET_LIST_RESPONSE, { list: [ABSENT, serverId, ABSENT, sensorTime, valList, ABSENT, ABSENT] }, data);
  message(id + 2, CLOSE_RESPONSE, { list: [ABSENT] }, data);
  return wrapFile(Uint8Array.from(data));
}

/** Pads the data to four-byte groups, doubles escapes, adds the start and end sequences and the file CRC. */
export function wrapFile(data: Uint8Array): Uint8Array {
  const padding = (4 - (data.length % 4)) % 4;
  const padded = new Uint8Array(data.length + padding);
  padded.set(data);
  const out: number[] = [...START];
  for (let i = 0; i < padded.length; i += 4) {
    const group = padded.subarray(i, i + 4);
    out.push(...group);
    if (isEscape(padded, i)) out.push(...group);
  }
  out.push(0x1b, 0x1b, 0x1b, 0x1b, END_MARK, padding);
  const crc = crc16x25(Uint8Array.from(out));
  out.push(crc & 0xff, crc >> 8);
  return Uint8Array.from(out);
}
