/** OBIS codes (IEC 62056-61) as the profile writes them: `A-B:C.D.E`, plus `*F` only when F is present and not 255. */

export function formatObis(bytes: ArrayLike<number>): string {
  const [a, b, c, d, e, f] = Array.from(bytes);
  const base = `${a ?? 0}-${b ?? 0}:${c ?? 0}.${d ?? 0}.${e ?? 0}`;
  return f === undefined || f === 255 ? base : `${base}*${f}`;
}

const OBIS_TEXT = /^(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:[*&](\d{1,3}))?$/;

/** Parses `A-B:C.D.E[*F]`; returns null for anything else. */
export function parseObis(text: string): number[] | null {
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
