/**
 * A source's last raw message for people: DSMR telegrams and gateway payloads are text and shown as text; binary
 * frames (HDLC, M-Bus) as hex in groups of two digits.
 */
const PRINTABLE = /^[\x20-\x7e\r\n\t]*$/;

export function rawForDisplay(raw: string): { text: string; binary: boolean } {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(raw)) return { text: raw, binary: false };
  const bytes = raw.match(/../g)!;
  const text = String.fromCharCode(...bytes.map((b) => parseInt(b, 16)));
  if (PRINTABLE.test(text)) return { text: text.replace(/\r\n/g, '\n'), binary: false };
  return { text: bytes.join(' '), binary: true };
}
