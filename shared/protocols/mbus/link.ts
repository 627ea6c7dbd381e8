/**
 * EN 13757-2 link layer framing over a byte stream: long frames `68 L L 68 C A CI … CS 16`, short frames
 * `10 C A CS 16` and the single character `E5`. Garbage between frames is skipped byte by byte until something
 * frame-shaped appears; the buffer never holds more than one maximal frame.
 */
import { ByteBuffer } from '../byte-buffer.ts';
import { decodeError, type DecodeError } from '../types.ts';

const START_LONG = 0x68;
const START_SHORT = 0x10;
const SINGLE_CHARACTER = 0xe5;
const STOP = 0x16;
export interface LongFrame {
  control: number;
  address: number;
  ci: number;
  /** The bytes after the CI field, up to the checksum. */
  body: Uint8Array;
}

export type LinkEvent = { frame: LongFrame } | { error: DecodeError };

/** Arithmetic sum modulo 256, the M-Bus checksum. */
export function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return sum;
}

/** `until`: nothing can change before the bytes from `buf[0]` reach this length. */
type Scan = { consumed: number; event?: LinkEvent } | { wait: true; until: number };

/** The shortest long frame: `68 L L 68`, C, A, CI, checksum, stop. */
const MIN_LONG_FRAME = 9;

/** Length of the long frame whose header starts at `buf[i]`, or 0 when the bytes there are no long frame header. */
function longFrameLength(buf: Uint8Array, i: number): number {
  const length = buf[i + 1];
  if (buf[i] !== START_LONG || length === undefined || length < 3 || buf[i + 2] !== length || buf[i + 3] !== START_LONG)
    return 0;
  return length + 6;
}

/** A complete long frame with a correct checksum starts at `buf[i]`. */
function validFrameAt(buf: Uint8Array, i: number): boolean {
  const total = longFrameLength(buf, i);
  return (
    total > 0 &&
    i + total <= buf.length &&
    buf[i + total - 1] === STOP &&
    checksum(buf.subarray(i + 4, i + total - 2)) === buf[i + total - 2]
  );
}

/**
 * A garbage header would hold back the frames behind it until its promised length arrives: when a complete, valid
 * frame already follows inside that span, the header was garbage. Otherwise wait, until the first length at which the
 * frame at 0 or one starting inside it can be complete (so a stream fed byte by byte is not rescanned per byte).
 */
function garbageHeaderOrWait(buf: Uint8Array, total: number): Scan {
  let until = total;
  for (let i = 1; i < buf.length; i++) {
    if (buf[i] !== START_LONG) continue;
    const length = longFrameLength(buf, i);
    if (length === 0 && i + 4 <= buf.length) continue; // not a header
    const end = i + (length || MIN_LONG_FRAME);
    if (end > buf.length) until = Math.min(until, end);
    else if (validFrameAt(buf, i)) return { consumed: 1 };
  }
  return { wait: true, until };
}

/** Looks at the bytes from `buf[0]`: a whole frame, a frame still arriving, or one byte of garbage. */
function scan(buf: Uint8Array): Scan {
  const first = buf[0];
  if (first === SINGLE_CHARACTER) return { consumed: 1 }; // acknowledgement, carries nothing
  if (first === START_SHORT) {
    if (buf.length < 5) return { wait: true, until: 5 };
    const ok = buf[4] === STOP && checksum(buf.subarray(1, 3)) === buf[3];
    return { consumed: ok ? 5 : 1 }; // a short frame is a master's request: nothing to decode
  }
  if (first !== START_LONG) return { consumed: 1 };
  if (buf.length < 4) return { wait: true, until: 4 };
  const total = longFrameLength(buf, 0);
  if (total === 0) return { consumed: 1 };
  if (buf.length < total) return garbageHeaderOrWait(buf, total);
  if (buf[total - 1] !== STOP) return { consumed: 1 }; // not a frame after all: resynchronise on the next byte
  const length = total - 6;
  const user = buf.subarray(4, 4 + length);
  const sum = buf[4 + length]!;
  if (checksum(user) !== sum) {
    const message = `M-Bus long frame checksum mismatch (frame says 0x${hex2(sum)}, bytes sum to 0x${hex2(checksum(user))}): the frame was damaged on the line, check wiring and baud rate`;
    return { consumed: total, event: { error: decodeError('crc', message) } };
  }
  return {
    consumed: total,
    event: { frame: { control: user[0]!, address: user[1]!, ci: user[2]!, body: user.subarray(3) } },
  };
}

const hex2 = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');

/** A stateful framer: push chunks, get link events; `end()` reports a frame cut off by the end of the stream. */
export class MbusFramer {
  private readonly pending = new ByteBuffer(512);
  /** Bytes the pending frame needs before a scan can tell anything new. */
  private waitUntil = 0;

  /** Events hand out views of the framer's buffer: use their bodies before the next push. */
  push(chunk: Uint8Array): LinkEvent[] {
    this.pending.append(chunk);
    if (this.pending.length < this.waitUntil) return [];
    this.waitUntil = 0;
    const buf = this.pending.view();
    const events: LinkEvent[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const result = scan(buf.subarray(pos));
      if ('wait' in result) {
        this.waitUntil = result.until;
        break;
      }
      pos += result.consumed;
      if (result.event) events.push(result.event);
    }
    this.pending.consume(pos);
    return events;
  }

  end(): LinkEvent[] {
    const left = this.pending.view().slice();
    this.pending.clear();
    this.waitUntil = 0;
    if (left.length === 0) return [];
    const expected = left[0] === START_LONG && left.length >= 2 ? `${left[1]! + 6} bytes` : 'a complete frame';
    const message = `the stream ended inside an M-Bus frame (${left.length} bytes received, ${expected} expected)`;
    return [{ error: decodeError('truncated', message) }];
  }
}
