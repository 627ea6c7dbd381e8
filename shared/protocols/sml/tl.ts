/**
 * SML's type-length encoding (SML 1.04): one or more TL bytes (bit 7: another TL byte follows; bits 6-4: type;
 * bits 3-0: length nibble, most significant first), then the data. For octet strings and numbers the length
 * counts the TL bytes too; for lists it is the number of elements. 01 is an optional field left out.
 */
export const TYPE_OCTETS = 0;
export const TYPE_BOOLEAN = 4;
export const TYPE_INTEGER = 5;
export const TYPE_UNSIGNED = 6;
export const TYPE_LIST = 7;
/** endOfSmlMsg: the sixth element of every SML_Message. */
export const END_OF_MESSAGE = 0x00;

export type SmlNode =
  | { type: 'octets'; bytes: Uint8Array }
  | { type: 'boolean'; value: boolean }
  | { type: 'integer' | 'unsigned'; value: number }
  | { type: 'list'; items: SmlNode[] };

/** Thrown inside this folder only; decodeFile turns it into a typed error. */
export class SmlSyntaxError extends Error {}

const MAX_DEPTH = 12;

/** Reads one node at `reader.pos` and advances past it. */
export function readNode(reader: { bytes: Uint8Array; pos: number }, depth = 0): SmlNode {
  const { bytes } = reader;
  const first = bytes[reader.pos];
  if (first === undefined) throw new SmlSyntaxError('an SML message ends early');
  if (first === END_OF_MESSAGE) {
    reader.pos++;
    return { type: 'octets', bytes: bytes.subarray(reader.pos, reader.pos) };
  }
  const type = (first >> 4) & 0x07;
  let length = first & 0x0f;
  let tl = 1;
  while (bytes[reader.pos + tl - 1]! & 0x80) {
    const next = bytes[reader.pos + tl];
    if (next === undefined || tl >= 4) throw new SmlSyntaxError('an SML type-length field ends early');
    length = (length << 4) | (next & 0x0f);
    tl++;
  }
  const start = reader.pos + tl;
  if (type === TYPE_LIST) {
    if (depth >= MAX_DEPTH) throw new SmlSyntaxError('SML lists nested too deep');
    // Every element takes at least one byte: a length beyond what is left is damage, not a reason to allocate.
    if (length > bytes.length - start) throw new SmlSyntaxError('an SML list longer than its message');
    reader.pos = start;
    const items: SmlNode[] = new Array<SmlNode>(length);
    for (let i = 0; i < length; i++) items[i] = readNode(reader, depth + 1);
    return { type: 'list', items };
  }
  const end = reader.pos + length;
  if (length < tl || end > bytes.length) throw new SmlSyntaxError('an SML field longer than its message');
  reader.pos = end;
  const size = end - start;
  switch (type) {
    case TYPE_OCTETS:
      return { type: 'octets', bytes: bytes.subarray(start, end) };
    case TYPE_BOOLEAN:
      if (size !== 1) throw new SmlSyntaxError(`an SML boolean of ${size} bytes`);
      return { type: 'boolean', value: bytes[start] !== 0 };
    case TYPE_INTEGER:
    case TYPE_UNSIGNED:
      if (size < 1 || size > 8) throw new SmlSyntaxError(`an SML number of ${size} bytes`);
      return type === TYPE_INTEGER
        ? { type: 'integer', value: readInteger(bytes, start, size) }
        : { type: 'unsigned', value: readUnsigned(bytes, start, size) };
    default:
      throw new SmlSyntaxError(`an SML field of unknown type ${type}`);
  }
}

/** Big-endian unsigned; exact up to 2^53, as every meter counter is. */
function readUnsigned(bytes: Uint8Array, start: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + bytes[start + i]!;
  return v;
}

function readInteger(bytes: Uint8Array, start: number, size: number): number {
  const v = readUnsigned(bytes, start, size);
  return bytes[start]! & 0x80 ? v - 2 ** (8 * size) : v;
}
