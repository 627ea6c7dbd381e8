/**
 * The framing both USB stick protocols share: a start byte, a header that gives the message's length, a check at the
 * end. Messages are cut out by that length and kept only when their check holds; otherwise the start byte was data
 * and the framer moves on by one byte, reporting skipped bytes once as one error rather than per byte.
 */
import { ByteBuffer } from '../../byte-buffer.ts';
import { decodeError } from '../../types.ts';
import type { FrameEvent } from '../framer.ts';

export interface StickMessageRules {
  /** What a stick's messages start with. */
  start: number;
  /** Bytes needed before `length` can tell the message's length. */
  header: number;
  /** Whether a header could start a message: a start byte in data rarely passes, so the framer need not wait. */
  plausible(header: Uint8Array): boolean;
  /** The whole message's length from its header. */
  length(header: Uint8Array): number;
  /** Whether a whole message's check (CRC or checksum) holds. */
  intact(message: Uint8Array): boolean;
  /** The wireless M-Bus frame a data message carries (plain, from its L-field); null for other messages. */
  frame(message: Uint8Array): Uint8Array | null;
  /** The stick's name, for errors. */
  name: string;
}

export class StartByteFramer {
  private readonly buffer = new ByteBuffer(512);
  private skipped = 0;

  constructor(private readonly rules: StickMessageRules) {}

  push(chunk: Uint8Array): FrameEvent[] {
    this.buffer.append(chunk);
    return this.drain();
  }

  end(): FrameEvent[] {
    const events = this.drain();
    this.flushSkipped(events);
    if (this.buffer.length > 0) {
      const message = `the stream ends inside a ${this.rules.name} message (${this.buffer.length} bytes)`;
      events.push({ error: decodeError('truncated', message) });
      this.buffer.clear();
    }
    return events;
  }

  private drain(): FrameEvent[] {
    const { start, header } = this.rules;
    const events: FrameEvent[] = [];
    for (;;) {
      const bytes = this.buffer.view();
      if (bytes.length === 0) break;
      if (bytes[0] !== start) {
        this.skip();
        continue;
      }
      if (bytes.length < header) break;
      if (!this.rules.plausible(bytes)) {
        this.skip();
        continue;
      }
      const length = this.rules.length(bytes);
      if (bytes.length < length) break;
      const message = bytes.subarray(0, length);
      if (!this.rules.intact(message)) {
        this.skip();
        continue;
      }
      this.flushSkipped(events);
      const frame = this.rules.frame(message);
      if (frame) events.push({ frame, format: 'none' });
      this.buffer.consume(length);
    }
    return events;
  }

  private skip(): void {
    this.skipped++;
    this.buffer.consume(1);
  }

  private flushSkipped(events: FrameEvent[]): void {
    if (this.skipped === 0) return;
    const message = `skipped ${this.skipped} byte(s): no intact ${this.rules.name} message starts there`;
    events.push({ error: decodeError('syntax', message) });
    this.skipped = 0;
  }
}

/** A stick passes the frame from its C-field on: its length is the L-field the frame needs in front. */
export function withLField(fromC: Uint8Array): Uint8Array {
  const plain = new Uint8Array(fromC.length + 1);
  plain[0] = fromC.length;
  plain.set(fromC, 1);
  return plain;
}
