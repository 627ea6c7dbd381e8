/**
 * General block transfer (IEC 62056-5-3, tag 0xE0): `E0 | block-control | block-number(2) | block-number-ack(2) |
 * block-data (A-XDR length + bytes)`. Block-control: bit 7 last block, bit 6 streaming, bits 0-5 window size.
 * Blocks are numbered from 1; their data, concatenated, is the transported APDU.
 */
import { decodeError, type DecodeError } from '../types.ts';
import { readAxdr } from './axdr.ts';
import { SequenceAssembler, type SequenceResult } from './sequence.ts';

export const GBT_TAG = 0xe0;

export interface GbtBlock {
  last: boolean;
  streaming: boolean;
  window: number;
  number: number;
  ack: number;
  data: Uint8Array;
}

export function parseGbtBlock(
  apdu: Uint8Array,
): { ok: true; block: GbtBlock; end: number } | { ok: false; error: DecodeError } {
  if (apdu[0] !== GBT_TAG) return { ok: false, error: decodeError('syntax', 'not a general-block-transfer APDU') };
  const parsed = readAxdr(apdu, 1, {}, (r) => {
    const control = r.u8('GBT block-control');
    const number = r.u16('GBT block-number');
    const ack = r.u16('GBT block-number-ack');
    const data = r.take(r.length('GBT block-data'), 'GBT block-data');
    const block: GbtBlock = {
      last: (control & 0x80) !== 0,
      streaming: (control & 0x40) !== 0,
      window: control & 0x3f,
      number,
      ack,
      data,
    };
    return block;
  });
  return parsed.ok ? { ok: true, block: parsed.value, end: parsed.end } : parsed;
}

/** Collects GBT blocks; a complete sequence yields the transported APDU. */
export class GbtAssembler {
  private readonly sequence = new SequenceAssembler('GBT block', 1, (n) => (n + 1) & 0xffff);

  push(block: GbtBlock): SequenceResult {
    return this.sequence.push({ number: block.number, last: block.last, data: block.data });
  }

  end(): DecodeError[] {
    return this.sequence.end();
  }
}
