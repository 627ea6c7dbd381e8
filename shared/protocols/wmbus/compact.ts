/**
 * Compact frames (EN 13757-3, CI 0x79, 0x7B, 0x73): the data records without their DIF/VIF headers, named by a format
 * signature (the CRC of those headers) and checked by the CRC of the full records they stand for. Meters send a full
 * frame now and then (Kamstrup's C1 meters every few telegrams); its headers are remembered per meter and fill in the
 * compact frames that follow.
 */
import { concat } from '../dlms/sequence.ts';
import { DATA_LENGTH } from '../mbus/records.ts';
import { wmbusCrc } from './crc.ts';

/** One record's header (DIF, DIFEs, VIF, VIFEs) and the length of its data. */
interface Layout {
  headers: Uint8Array[];
  lengths: number[];
}

const IDLE_FILLER = 0x2f;
const LVAR = 0x0d;
const PLAIN_TEXT_VIF = 0x7c;
/** Meters remembered, and formats per meter: bounded, as meter IDs come from the air. */
const MAX_METERS = 1000;
const MAX_FORMATS = 4;

/** The record headers of full-frame data, or null when a record cannot be described by a format (LVAR, special). */
function layoutOf(data: Uint8Array): Layout | null {
  const headers: Uint8Array[] = [];
  const lengths: number[] = [];
  let pos = 0;
  while (pos < data.length) {
    const start = pos;
    const dif = data[pos++]!;
    if (dif === IDLE_FILLER) continue;
    const length = DATA_LENGTH[dif & 0x0f];
    if (length === undefined || (dif & 0x0f) === LVAR) return null;
    let extended = (dif & 0x80) !== 0;
    while (extended && pos < data.length) extended = (data[pos++]! & 0x80) !== 0;
    const vif = data[pos++];
    if (vif === undefined) return null;
    if ((vif & 0x7f) === PLAIN_TEXT_VIF) pos += 1 + (data[pos] ?? 0);
    extended = (vif & 0x80) !== 0;
    while (extended && pos < data.length) extended = (data[pos++]! & 0x80) !== 0;
    if (extended || pos + length > data.length) return null;
    headers.push(data.slice(start, pos));
    lengths.push(length);
    pos += length;
  }
  return headers.length ? { headers, lengths } : null;
}

const signatureOf = (layout: Layout) => wmbusCrc(concat(layout.headers));

export type Expanded = { ok: true; records: Uint8Array } | { ok: false; kind: 'unsupported' | 'crc'; message: string };

/** The formats seen in full frames, per meter, for the compact frames of one stream. */
export class CompactFormats {
  private readonly meters = new Map<string, Map<number, Layout>>();

  /** Remembers the format of a full frame's records (the data after the TPL header, decrypted). */
  learn(meter: string, data: Uint8Array): void {
    const layout = layoutOf(data);
    if (!layout) return;
    let formats = this.meters.get(meter);
    if (!formats) {
      if (this.meters.size >= MAX_METERS) this.meters.delete(this.meters.keys().next().value!);
      formats = new Map();
      this.meters.set(meter, formats);
    }
    const signature = signatureOf(layout);
    if (!formats.has(signature) && formats.size >= MAX_FORMATS) formats.delete(formats.keys().next().value!);
    formats.set(signature, layout);
  }

  /** The full records a compact frame's data (signature, full-frame CRC, values) stands for. */
  expand(meter: string, data: Uint8Array): Expanded {
    if (data.length < 4) return { ok: false, kind: 'unsupported', message: 'a compact frame needs its 4-byte header' };
    const signature = data[0]! | (data[1]! << 8);
    const crc = data[2]! | (data[3]! << 8);
    const layout = this.meters.get(meter)?.get(signature);
    const hex = signature.toString(16).toUpperCase().padStart(4, '0');
    if (!layout) {
      const message = `meter ${meter} sent a compact frame of format ${hex}; its records are known from a full frame of that meter, none seen yet`;
      return { ok: false, kind: 'unsupported', message };
    }
    const parts: Uint8Array[] = [];
    let pos = 4;
    for (let i = 0; i < layout.headers.length; i++) {
      const length = layout.lengths[i]!;
      if (pos + length > data.length) {
        return { ok: false, kind: 'unsupported', message: `meter ${meter}: compact frame shorter than format ${hex}` };
      }
      parts.push(layout.headers[i]!, data.subarray(pos, pos + length));
      pos += length;
    }
    const records = concat(parts);
    if (wmbusCrc(records) !== crc) {
      return { ok: false, kind: 'crc', message: `meter ${meter}: compact frame does not match its full-frame CRC` };
    }
    return { ok: true, records };
  }
}
