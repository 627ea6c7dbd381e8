/** Byte/text conversions for telegrams: latin-1 on the wire, identifiers and messages as hex of ASCII. */

/** Latin-1: one char per byte, so byte offsets and string offsets agree (CRC and framing work on bytes). */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= 16) {
    // Short fields (units, tariffs, versions): a call per char beats making a view.
    let out = '';
    for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]!);
    return out;
  }
  let out = '';
  for (let i = start; i < end; i += 4096) {
    // apply takes the typed array as is; spreading it first costs an iterator step per byte.
    out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  }
  return out;
}

export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/** The value of a hex digit byte, or -1. */
export function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/**
 * The ASCII that the hex digits in bytes[start, end) spell when every byte is printable (`4B3845` → `K8E`), else
 * null. `allowLineBreaks` admits CR, LF and TAB, which text messages may contain and identifiers may not.
 */
export function decodeHexAscii(bytes: Uint8Array, start: number, end: number, allowLineBreaks = false): string | null {
  if (end <= start || (end - start) % 2 !== 0) return null;
  let out = '';
  for (let i = start; i < end; i += 2) {
    const high = hexDigit(bytes[i]!);
    const low = hexDigit(bytes[i + 1]!);
    if (high < 0 || low < 0) return null;
    const b = high * 16 + low;
    const printable = b >= 0x20 && b < 0x7f;
    const lineBreak = allowLineBreaks && (b === 0x0d || b === 0x0a || b === 0x09);
    if (!printable && !lineBreak) return null;
    out += String.fromCharCode(b);
  }
  return out;
}

/** Hex of ASCII, as meters send identifiers and text messages. */
export function encodeHexAscii(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += (text.charCodeAt(i) & 0xff).toString(16).toUpperCase().padStart(2, '0');
  return out;
}
