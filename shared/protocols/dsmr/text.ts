/** Byte/text conversions for telegrams: latin-1 on the wire, identifiers and messages as hex of ASCII. */

/** Latin-1: one char per byte, so byte offsets and string offsets agree (CRC and framing work on bytes). */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
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

const HEX_PAIRS = /^(?:[0-9A-Fa-f]{2})+$/;

/**
 * The ASCII a hex string spells when every byte is printable (`4B3845` → `K8E`), else null. `allowLineBreaks` admits
 * CR, LF and TAB, which text messages may contain and identifiers may not.
 */
export function decodeHexAscii(hex: string, allowLineBreaks = false): string | null {
  if (!HEX_PAIRS.test(hex)) return null;
  let out = '';
  for (let i = 0; i < hex.length; i += 2) {
    const b = parseInt(hex.slice(i, i + 2), 16);
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
