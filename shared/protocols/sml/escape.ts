/**
 * SML transport v1 (BSI TR-03109-1): a file opens with 1B1B1B1B 01010101 and closes with 1B1B1B1B 1A pp cc cc, where
 * pp counts the 00 bytes padding the data to a multiple of four and cccc is CRC-16/X.25 over everything before it,
 * least significant byte first. 1B1B1B1B inside the data is sent twice. Escapes sit on four-byte boundaries.
 */
export const ESCAPE = 0x1b;
export const START = Uint8Array.of(0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01, 0x01, 0x01);
export const END_MARK = 0x1a;

/** Whether the four bytes at `at` are 1B1B1B1B. */
export function isEscape(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === ESCAPE && bytes[at + 1] === ESCAPE && bytes[at + 2] === ESCAPE && bytes[at + 3] === ESCAPE;
}

/** Whether the four bytes at `at` are 01010101 (the start mark after an escape). */
export function isStartMark(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 1 && bytes[at + 1] === 1 && bytes[at + 2] === 1 && bytes[at + 3] === 1;
}

/** Index of the first start sequence at or after `from`, or -1. */
export function findStart(bytes: Uint8Array, from = 0): number {
  for (let i = from; i + START.length <= bytes.length; i++) {
    if (bytes[i] === ESCAPE && isEscape(bytes, i) && isStartMark(bytes, i + 4)) return i;
  }
  return -1;
}
