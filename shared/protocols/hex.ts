/** Hex text as users paste it (keys, captures): whitespace, `:`/`-`/`,` separators and `0x` prefixes are allowed. */

// `0x` counts as a prefix only at the start of a token, so `a0x` stays an error rather than a silent `a`.
const SEPARATORS = /(?<=^|[\s:,-])0x|[\s:,-]/gi;

export type HexResult = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

export function parseHex(text: string): HexResult {
  const digits = text.replace(SEPARATORS, '');
  const bad = /[^0-9a-f]/i.exec(digits);
  if (bad) return { ok: false, message: `not a hex digit: '${bad[0]}'` };
  if (digits.length % 2 !== 0) return { ok: false, message: `odd number of hex digits (${digits.length})` };
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.substr(i * 2, 2), 16);
  return { ok: true, bytes };
}

/** Upper-case digit pairs of every byte, made once: system titles and identifiers are written per message. */
const PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

export function toHex(bytes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += PAIRS[bytes[i]! & 0xff];
  return out;
}
