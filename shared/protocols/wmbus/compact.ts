/**
 * Compact frames (EN 13757-3 Annex G; CI 0x79, 0x7B, 0x73): the data records without their DIF/VIF headers, named by
 * a format signature (the CRC of those headers) and checked by the CRC of the full records they stand for. Meters send
 * a full frame now and then (Kamstrup's C1 meters every few telegrams); its headers are remembered per meter and fill
 * in the compact frames that follow. Families that send no full frame at all have their layout in known-formats.ts.
 */
import { concat } from '../dlms/sequence.ts';
import { wmbusCrc } from './crc.ts';
import { knownLayout, type Family } from './known-formats.ts';
import { layoutOf, signatureOf, type Layout } from './record-headers.ts';

/** Meters remembered, and formats per meter: bounded, as meter IDs come from the air. */
const MAX_METERS = 1000;
const MAX_FORMATS = 4;

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

  layout(meter: string, signature: number): Layout | undefined {
    return this.meters.get(meter)?.get(signature);
  }
}

/**
 * The full records a compact frame's data (signature, full-frame CRC, values) stands for: by the format learnt from
 * the meter's own full frame, else by its family's known layout.
 */
export function expandCompact(
  meter: string,
  family: Family,
  data: Uint8Array,
  learnt: CompactFormats | undefined,
): Expanded {
  if (data.length < 4) return { ok: false, kind: 'unsupported', message: 'a compact frame needs its 4-byte header' };
  const signature = data[0]! | (data[1]! << 8);
  const crc = data[2]! | (data[3]! << 8);
  const layout = learnt?.layout(meter, signature) ?? knownLayout(family, signature);
  const hex = signature.toString(16).toUpperCase().padStart(4, '0');
  if (!layout) {
    const message = learnt
      ? `meter ${meter} sent a compact frame of format ${hex}; its records are known from a full frame of that meter, none seen yet`
      : `meter ${meter} sent a compact frame of format ${hex}, not a known layout; this decoder keeps no formats`;
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
