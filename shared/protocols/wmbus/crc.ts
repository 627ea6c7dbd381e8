/** CRC-16/EN-13757 (EN 13757-4): polynomial 0x3D65, MSB first, initial 0, result inverted; sent high byte first. */

const TABLE = new Uint16Array(256);
for (let n = 0; n < 256; n++) {
  let c = n << 8;
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x3d65) & 0xffff : (c << 1) & 0xffff;
  TABLE[n] = c;
}

export function wmbusCrc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >>> 8) ^ bytes[i]!) & 0xff]!;
  return crc ^ 0xffff;
}

/** Whether the two bytes at `at` are the CRC of `bytes[start, at)`. */
export function crcMatches(bytes: Uint8Array, start: number, at: number): boolean {
  const crc = wmbusCrc(bytes, start, at);
  return bytes[at] === crc >>> 8 && bytes[at + 1] === (crc & 0xff);
}
