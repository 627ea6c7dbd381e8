/** Table-driven reflected CRC-16s, one generator for the variants the protocols use (ARC for DSMR, X.25 for HDLC). */

export interface Crc16Variant {
  /** The polynomial in reflected form, e.g. 0xA001 for 0x8005. */
  poly: number;
  init: number;
  xorOut: number;
}

export type Crc16 = (bytes: Uint8Array, start?: number, end?: number) => number;

/** The byte table of a reflected polynomial, for scanners that update a CRC as they read: `(crc >>> 8) ^ table[(crc ^ b) & 0xff]`. */
export function reflectedCrc16Table(poly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[n] = c;
  }
  return table;
}

export function reflectedCrc16({ poly, init, xorOut }: Crc16Variant): Crc16 {
  const table = reflectedCrc16Table(poly);
  return (bytes, start = 0, end = bytes.length) => {
    let crc = init;
    for (let i = start; i < end; i++) crc = (crc >>> 8) ^ table[(crc ^ bytes[i]!) & 0xff]!;
    return (crc ^ xorOut) & 0xffff;
  };
}
