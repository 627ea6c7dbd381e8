/**
 * The record headers (DIF, DIFEs, VIF, VIFEs) of EN 13757-3 data and the data length each announces: what a compact
 * frame (EN 13757-3 Annex G) leaves out, and what its format signature is the CRC of.
 */
import { concat } from '../dlms/sequence.ts';
import { DATA_LENGTH } from '../mbus/records.ts';
import { wmbusCrc } from './crc.ts';

/** The records' headers, each with the length of the data that follows it. */
export interface Layout {
  headers: Uint8Array[];
  lengths: number[];
}

const IDLE_FILLER = 0x2f;
const LVAR = 0x0d;
const PLAIN_TEXT_VIF = 0x7c;

/** The end of the header starting at `pos` and its data length, or null when a format cannot describe it. */
function readHeader(bytes: Uint8Array, pos: number): { end: number; length: number } | null {
  const dif = bytes[pos++]!;
  const length = DATA_LENGTH[dif & 0x0f];
  if (length === undefined || (dif & 0x0f) === LVAR) return null;
  let extended = (dif & 0x80) !== 0;
  while (extended && pos < bytes.length) extended = (bytes[pos++]! & 0x80) !== 0;
  const vif = bytes[pos++];
  if (vif === undefined) return null;
  if ((vif & 0x7f) === PLAIN_TEXT_VIF) pos += 1 + (bytes[pos] ?? 0);
  extended = (vif & 0x80) !== 0;
  while (extended && pos < bytes.length) extended = (bytes[pos++]! & 0x80) !== 0;
  return extended || pos > bytes.length ? null : { end: pos, length };
}

/**
 * The layout of full-frame data (headers and values), or of headers alone (`headersOnly`, as a table of known formats
 * states them); null when a record cannot be described by a format (LVAR, manufacturer data, cut short).
 */
export function layoutOf(bytes: Uint8Array, headersOnly = false): Layout | null {
  const headers: Uint8Array[] = [];
  const lengths: number[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (bytes[pos] === IDLE_FILLER) {
      pos++;
      continue;
    }
    const header = readHeader(bytes, pos);
    if (!header) return null;
    headers.push(bytes.slice(pos, header.end));
    lengths.push(header.length);
    pos = header.end + (headersOnly ? 0 : header.length);
    if (pos > bytes.length) return null;
  }
  return headers.length ? { headers, lengths } : null;
}

/** The format signature: the CRC of the headers, in order (EN 13757-3 Annex G). */
export const signatureOf = (layout: Layout): number => wmbusCrc(concat(layout.headers));
