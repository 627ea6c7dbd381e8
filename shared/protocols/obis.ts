/** OBIS codes (IEC 62056-61) as the profile writes them: `A-B:C.D.E`, plus `*F` only when F is present and not 255. */

/**
 * Meters send the same few dozen codes in every message, so each is formatted and parsed once: per message they
 * were a tenth of the decoding time. The caches are bounded, as codes come from the wire.
 */
const MAX_CACHED_CODES = 4096;
const formatted = new Map<number, string>();
const parsed = new Map<string, readonly number[] | null>();

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= MAX_CACHED_CODES) cache.clear();
  cache.set(key, value);
  return value;
}

export function formatObis(bytes: ArrayLike<number>): string {
  const n = bytes.length;
  const a = n > 0 ? bytes[0]! : 0;
  const b = n > 1 ? bytes[1]! : 0;
  const c = n > 2 ? bytes[2]! : 0;
  const d = n > 3 ? bytes[3]! : 0;
  const e = n > 4 ? bytes[4]! : 0;
  const f = n > 5 ? bytes[5]! : 255;
  if ((a | b | c | d | e | f) > 255 || Math.min(a, b, c, d, e, f) < 0 || !Number.isInteger(a + b + c + d + e + f)) {
    return format(a, b, c, d, e, f); // not bytes: no cache key
  }
  // Six octets as one exact double (48 bits).
  const key = ((((a * 256 + b) * 256 + c) * 256 + d) * 256 + e) * 256 + f;
  return formatted.get(key) ?? remember(formatted, key, format(a, b, c, d, e, f));
}

function format(a: number, b: number, c: number, d: number, e: number, f: number): string {
  const base = `${a}-${b}:${c}.${d}.${e}`;
  return f === 255 ? base : `${base}*${f}`;
}

const OBIS_TEXT = /^(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:[*&](\d{1,3}))?$/;

/** Parses `A-B:C.D.E[*F]`; returns null for anything else. The array is shared: do not modify it. */
export function parseObis(text: string): readonly number[] | null {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  return remember(parsed, text, parseText(text));
}

function parseText(text: string): readonly number[] | null {
  const m = OBIS_TEXT.exec(text);
  if (!m) return null;
  const parts = m
    .slice(1)
    .filter((p): p is string => p !== undefined)
    .map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

/** Normalises any accepted spelling to the canonical form (drops `*255`). */
export function normalizeObis(text: string): string | null {
  const parts = parseObis(text);
  return parts ? formatObis(parts) : null;
}
