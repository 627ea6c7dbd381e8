/** Table-driven reflected CRC-16s, one generator for the variants the protocols use (ARC for DSMR, X.25 for HDLC). */

export interface Crc16Variant {
  /** The polynomial in reflected form, e.g. 0xA001 for 0x8005. */
  poly: number;
  init: number;
  xorOut: number;
}

export type Crc16 = (bytes: Uint8Array, start?: number, end?: number) => number;

/** `crc` carried on over bytes[start, end), before the final XOR: scanners fold in a frame piece by piece. */
export type Crc16Update = (crc: number, bytes: Uint8Array, start: number, end: number) => number;

function reflectedCrc16Table(poly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[n] = c;
  }
  return table;
}

/**
 * Slicing by four: tables[k][v] is what byte v contributes when k more bytes follow it in the same step. The CRC is
 * linear, so four bytes fold in with four lookups and one dependent step instead of four.
 */
export function reflectedCrc16Update(poly: number): Crc16Update {
  const tables = [reflectedCrc16Table(poly)];
  for (let k = 1; k < 4; k++) {
    const previous = tables[k - 1]!;
    tables.push(previous.map((c) => (c >>> 8) ^ tables[0]![c & 0xff]!));
  }
  const [T0, T1, T2, T3] = tables as [Uint16Array, Uint16Array, Uint16Array, Uint16Array];
  return (crc, bytes, start, end) => {
    let i = start;
    for (; i + 4 <= end; i += 4) {
      const x = crc ^ bytes[i]! ^ (bytes[i + 1]! << 8);
      crc = T3[x & 0xff]! ^ T2[x >>> 8]! ^ T1[bytes[i + 2]!]! ^ T0[bytes[i + 3]!]!;
    }
    for (; i < end; i++) crc = (crc >>> 8) ^ T0[(crc ^ bytes[i]!) & 0xff]!;
    return crc;
  };
}

export function reflectedCrc16({ poly, init, xorOut }: Crc16Variant): Crc16 {
  const update = reflectedCrc16Update(poly);
  return (bytes, start = 0, end = bytes.length) => (update(init, bytes, start, end) ^ xorOut) & 0xffff;
}
