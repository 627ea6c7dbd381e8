/**
 * Whole wireless M-Bus frames out of a byte stream from a receiver that passes frames on from their L-field: with
 * the format A or B CRCs (raw radio data), or without them (USB sticks such as the Amber and IMST ones check and
 * strip the CRCs). A stream has no start marker, so the format is recognised from the CRCs of the first frame and
 * kept; a frame whose CRCs fail in a CRC stream is reported and the framer moves on by one byte to find the next.
 */
import { ByteBuffer } from '../byte-buffer.ts';
import { decodeError, type DecodeError } from '../types.ts';
import { crcMatches } from './crc.ts';
import {
  FIRST_BLOCK,
  formatALength,
  isControlField,
  type LinkFormat,
  MIN_L,
  stripFormatA,
  stripFormatB,
} from './link.ts';

export type FrameEvent = { frame: Uint8Array; format: LinkFormat } | { error: DecodeError };

export class WmbusFramer {
  private readonly buffer = new ByteBuffer(512);
  /** The format the stream has shown, once one frame settled it. */
  private format: LinkFormat | null = null;
  /** Bytes skipped since the last frame, reported once as one error rather than per byte. */
  private skipped = 0;

  push(chunk: Uint8Array): FrameEvent[] {
    this.buffer.append(chunk);
    return this.drain(false);
  }

  end(): FrameEvent[] {
    const events = this.drain(true);
    if (this.buffer.length > 0) {
      const held = this.buffer.length;
      this.buffer.clear();
      events.push({ error: decodeError('truncated', `the stream ends inside a wireless M-Bus frame (${held} bytes)`) });
    }
    return events;
  }

  private drain(ending: boolean): FrameEvent[] {
    const events: FrameEvent[] = [];
    for (;;) {
      const bytes = this.buffer.view();
      if (bytes.length === 0) break;
      const step = this.next(bytes, ending);
      if (step === 'wait') break;
      if (step === 'skip') {
        this.skipped++;
        this.buffer.consume(1);
        continue;
      }
      this.flushSkipped(events);
      events.push(step.event);
      this.buffer.consume(step.consumed);
    }
    if (ending) this.flushSkipped(events);
    return events;
  }

  private flushSkipped(events: FrameEvent[]): void {
    if (this.skipped === 0) return;
    const what = this.format === 'none' ? 'no length and C-field of a frame' : 'no frame with valid CRCs starts there';
    events.push({ error: decodeError('syntax', `skipped ${this.skipped} byte(s) between frames: ${what}`) });
    this.skipped = 0;
  }

  /** What to do with the bytes at the front: wait for more, skip one, or take a frame (or a CRC error). */
  private next(bytes: Uint8Array, ending: boolean): 'wait' | 'skip' | { event: FrameEvent; consumed: number } {
    const l = bytes[0]!;
    if (l < MIN_L || (bytes.length > 1 && !isControlField(bytes[1]!))) return 'skip';
    const plainLength = l + 1;
    // Format A shows itself after 12 bytes: the CRC of the first block.
    if (this.format !== 'none' && this.format !== 'B') {
      if (bytes.length < FIRST_BLOCK + 2) return ending ? this.plainOrSkip(bytes, plainLength) : 'wait';
      if (crcMatches(bytes, 0, FIRST_BLOCK)) {
        const total = formatALength(l);
        if (bytes.length < total) return ending ? this.truncated(bytes) : 'wait';
        const plain = stripFormatA(bytes.subarray(0, total));
        if (!plain) return this.crcError(total);
        this.format = 'A';
        return { event: { frame: plain, format: 'A' }, consumed: total };
      }
      if (this.format === 'A') return 'skip';
    }
    if (bytes.length < plainLength) return ending ? this.truncated(bytes) : 'wait';
    if (this.format !== 'none') {
      const plain = stripFormatB(bytes.subarray(0, plainLength));
      if (plain) {
        this.format = 'B';
        return { event: { frame: plain, format: 'B' }, consumed: plainLength };
      }
      if (this.format === 'B') return 'skip';
    }
    this.format = 'none';
    return { event: { frame: bytes.slice(0, plainLength), format: 'none' }, consumed: plainLength };
  }

  private plainOrSkip(bytes: Uint8Array, plainLength: number): 'skip' | { event: FrameEvent; consumed: number } {
    if (bytes.length < plainLength) return this.truncated(bytes);
    this.format = 'none';
    return { event: { frame: bytes.slice(0, plainLength), format: 'none' }, consumed: plainLength };
  }

  private truncated(bytes: Uint8Array): { event: FrameEvent; consumed: number } {
    const message = `the stream ends inside a wireless M-Bus frame (L = ${bytes[0]}, ${bytes.length} bytes received)`;
    return { event: { error: decodeError('truncated', message) }, consumed: bytes.length };
  }

  private crcError(consumed: number): { event: FrameEvent; consumed: number } {
    const message = `wireless M-Bus frame (format A): a block CRC does not match; the frame was damaged on the air`;
    return { event: { error: decodeError('crc', message) }, consumed };
  }
}
