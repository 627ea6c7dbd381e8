/**
 * SML transport framing: a byte stream in, whole SML files (their message bytes, escapes and padding removed) out.
 * Resynchronises on the next start sequence after garbage, a cut-off file or a broken escape; holds at most
 * MAX_FILE_LENGTH bytes of one file.
 */
import { ByteBuffer } from '../byte-buffer.ts';
import { crc16x25 } from '../dlms/crc16.ts';
import { decodeError, type DecodeError } from '../types.ts';
import { END_MARK, ESCAPE, findStart, isEscape, isStartMark, START } from './escape.ts';

/** Real meters send a few hundred bytes per file; load profiles a few kilobytes. */
export const MAX_FILE_LENGTH = 64 * 1024;

export type SmlFrame = { kind: 'file'; bytes: Uint8Array } | { kind: 'error'; error: DecodeError };

/** What most pushes of a slow line return: one frozen empty result, not an allocation per byte. */
const NO_FRAMES = Object.freeze<SmlFrame[]>([]) as SmlFrame[];

export class SmlFramer {
  private readonly buffer = new ByteBuffer();
  private inFile = false;
  /** Offset of the next four-byte group to examine in the held file. */
  private scan = 0;

  push(chunk: Uint8Array): SmlFrame[] {
    if (!this.inFile && !mayStart(chunk)) {
      // Between files the held tail has no whole start sequence, and bytes without 1B or 01 cannot complete one.
      this.buffer.clear();
      return NO_FRAMES;
    }
    this.buffer.append(chunk);
    // A file's next four-byte group is looked at once the eight bytes that tell it are there: until then, nothing to do.
    if (this.inFile && this.scan + 8 > this.buffer.length) return NO_FRAMES;
    let frames = NO_FRAMES;
    for (;;) {
      if (!this.inFile && !this.seekStart()) return frames;
      const frame = this.scanFile();
      if (!frame) return frames;
      if (frames === NO_FRAMES) frames = [];
      frames.push(frame);
    }
  }

  end(): SmlFrame[] {
    const frames: SmlFrame[] = [];
    if (this.inFile) {
      frames.push({ kind: 'error', error: decodeError('truncated', 'the stream ended inside an SML file') });
    }
    this.buffer.clear();
    this.inFile = false;
    return frames;
  }

  /** Drops bytes up to the next start sequence; keeps a tail that may hold its beginning. */
  private seekStart(): boolean {
    const held = this.buffer.view();
    const at = findStart(held);
    if (at < 0) {
      this.buffer.consume(Math.max(0, held.length - (START.length - 1)));
      return false;
    }
    this.buffer.consume(at);
    this.inFile = true;
    this.scan = START.length;
    return true;
  }

  /** Walks the held file four bytes at a time; a frame once it ends (or breaks), null while more bytes are needed. */
  private scanFile(): SmlFrame | null {
    const held = this.buffer.view();
    while (this.scan + 8 <= held.length) {
      const at = this.scan;
      if (!isEscape(held, at)) {
        if (held[at + 3] === ESCAPE) {
          // A start off this file's four-byte grid: the file was cut and a new one began (a reconnected IR head).
          if (at + 11 > held.length) return null;
          for (let k = 1; k < 4; k++) {
            if (isEscape(held, at + k) && isStartMark(held, at + k + 4)) {
              return this.fail(
                at + k,
                decodeError('truncated', 'an SML file was cut off by the start of the next one'),
              );
            }
          }
        }
        this.scan += 4;
      } else if (isEscape(held, at + 4)) {
        this.scan += 8; // escaped 1B1B1B1B in the data
      } else if (isStartMark(held, at + 4)) {
        return this.fail(at, decodeError('truncated', 'an SML file was cut off by the start of the next one'));
      } else if (held[at + 4] === END_MARK) {
        return this.complete(held, at);
      } else {
        return this.fail(at + 8, decodeError('syntax', 'an SML file holds an unknown escape sequence'));
      }
      if (this.scan > MAX_FILE_LENGTH) {
        return this.fail(this.scan, decodeError('syntax', `an SML file longer than ${MAX_FILE_LENGTH} bytes`));
      }
    }
    return null;
  }

  private complete(held: Uint8Array, at: number): SmlFrame {
    const stated = held[at + 6]! | (held[at + 7]! << 8);
    if (crc16x25(held, 0, at + 6) !== stated) {
      return this.fail(at + 8, decodeError('crc', 'SML file CRC mismatch: the file was damaged on the way'));
    }
    const padding = held[at + 5]!;
    const data = unescape(held.subarray(START.length, at));
    this.done(at + 8);
    if (padding > 3 || padding > data.length) {
      return { kind: 'error', error: decodeError('syntax', `an SML file states ${padding} padding bytes`) };
    }
    return { kind: 'file', bytes: data.subarray(0, data.length - padding) };
  }

  private fail(consumed: number, error: DecodeError): SmlFrame {
    this.done(consumed);
    return { kind: 'error', error };
  }

  private done(consumed: number): void {
    this.buffer.consume(consumed);
    this.inFile = false;
  }
}

/** Whether `chunk` holds a byte of a start sequence (1B or 01). */
function mayStart(chunk: Uint8Array): boolean {
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === ESCAPE || chunk[i] === 1) return true;
  return false;
}

/** The data with doubled escapes made single: a view when there are none, else a copy. */
function unescape(data: Uint8Array): Uint8Array {
  let pairs = 0;
  for (let i = 0; i + 4 <= data.length; i += 4) {
    if (isEscape(data, i)) {
      pairs++;
      i += 4;
    }
  }
  if (pairs === 0) return data;
  const out = new Uint8Array(data.length - pairs * 4);
  let o = 0;
  for (let i = 0; i + 4 <= data.length; i += 4) {
    out.set(data.subarray(i, i + 4), o);
    o += 4;
    if (isEscape(data, i)) i += 4;
  }
  return out;
}
