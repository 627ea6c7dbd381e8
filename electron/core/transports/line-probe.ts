/**
 * Judges whether bytes read with some line settings make sense. Wrong settings turn every byte into noise, so the
 * test is whether a whole frame came through intact: the decoder yields a message from a link that carries its own
 * check (DSMR CRC-16 or telegram structure, HDLC FCS, M-Bus checksum and stop byte). Errors never lock: noise is full
 * of broken frame starts. Bare DLMS APDUs carry no check at all, so noise could pass for one: they do not lock
 * either. Neither do frames that fail to decrypt: which link they came over is unknown, so an encrypted meter needs
 * its key for auto-detection (or fixed settings).
 */
import type { DecodedMessage, StreamDecoder } from '../../../shared/protocols/types.ts';

export interface ProbeMatch {
  protocol: DecodedMessage['protocol'];
  /** The link format the decoder reported, e.g. 'p1', 'hdlc', 'mbus'. */
  transport?: string;
}

/** What a probe keeps so the bytes that proved the settings are passed on too: a few telegrams are ~1-3 KiB. */
const KEEP_BYTES = 64 * 1024;

export class LineProbe {
  private kept: Uint8Array[] = [];
  private keptLength = 0;

  constructor(private readonly decoder: StreamDecoder) {}

  /** Feeds bytes; returns what was found once a frame came through intact. */
  push(chunk: Uint8Array): ProbeMatch | null {
    this.keep(chunk);
    for (const output of this.decoder.push(chunk)) {
      if (!output.ok || output.message.info.transport === 'raw') continue;
      const { protocol, info } = output.message;
      return info.transport === undefined ? { protocol } : { protocol, transport: info.transport };
    }
    return null;
  }

  /** The bytes seen so far (the most recent 64 KiB). */
  bytes(): Uint8Array {
    const all = new Uint8Array(this.keptLength);
    let offset = 0;
    for (const part of this.kept) {
      all.set(part, offset);
      offset += part.length;
    }
    return all;
  }

  private keep(chunk: Uint8Array): void {
    this.kept.push(chunk);
    this.keptLength += chunk.length;
    while (this.keptLength - this.kept[0]!.length >= KEEP_BYTES) this.keptLength -= this.kept.shift()!.length;
  }
}
