/** Octet strings meters fill with ASCII (manufacturer, device IDs): text when every byte is printable. */
export function printableText(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return null;
  for (const b of bytes) if (b < 0x20 || b > 0x7e) return null;
  return String.fromCharCode(...bytes);
}
