/** Untrusted text as discovery keeps it: bounded length, MAC and IP addresses in one spelling. */

/** Names, topics and versions are short; a hostile device cannot make an entry large. */
export const MAX_TEXT = 128;

export function clip(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
}

/** `bcddc2412a14`, `BC:DD:C2:41:2A:14` or `BC-DD-…` → `BC:DD:C2:41:2A:14`; undefined for anything else. */
export function normalizeMac(text: string): string | undefined {
  const hex = text.replace(/[:-]/g, '').toUpperCase();
  return /^[0-9A-F]{12}$/.test(hex) ? hex.replace(/(..)(?!$)/g, '$1:') : undefined;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted IPv4 address with every part ≤ 255, as its four numbers; undefined otherwise. */
export function parseIpv4(text: string): [number, number, number, number] | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number) as [number, number, number, number];
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** An IPv4 or IPv6 literal as a device reports it, or undefined (Tasmota reports 0.0.0.0 before it has an address). */
export function normalizeIp(text: string): string | undefined {
  if (parseIpv4(text)) return text === '0.0.0.0' ? undefined : text;
  return /^[0-9a-fA-F:]{2,45}$/.test(text) && text.includes(':') ? text.toLowerCase() : undefined;
}
