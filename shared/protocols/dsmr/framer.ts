/**
 * Cuts a P1 byte stream into frames: plaintext telegrams `/ ... !CRC\r\n`, and the DLMS general-glo-ciphering APDUs
 * (`DB 08 <system title> ...`) in which Luxembourg's Smarty and Austria's Sagemcom T210-D send them. Bytes come in
 * arbitrary chunks; garbage between frames is skipped; a frame never grows past `maxLength`.
 */
import { cipheredApduLength } from '../dlms/ciphering.ts';
import { decodeError, type DecodeError } from '../types.ts';

export type P1Frame =
  | { kind: 'telegram'; bytes: Uint8Array }
  | { kind: 'ciphered'; bytes: Uint8Array }
  | { kind: 'error'; error: DecodeError };

/** DSMR 5 telegrams with four M-Bus channels stay well under 4 KiB; 16 KiB leaves room for long text messages. */
export const MAX_FRAME_LENGTH = 16 * 1024;

const SLASH = 0x2f;
const BANG = 0x21;
const LF = 0x0a;
const CR = 0x0d;
const GLO_CIPHERING = 0xdb;
const SYSTEM_TITLE_LENGTH = 8;
/** `!` + four hex digits + CR, with slack for padding spaces; a longer CRC line is not one. */
const MAX_CRC_LINE = 8;
/** Chunks are taken in pieces of this size, so the buffer never exceeds maxLength by more than this. */
const PIECE = 4096;
const SMALL_PIECE = 16;
/** Below this many bytes to search, a loop beats two native searches (a serial line's byte at a time). */
const NATIVE_SEARCH_FROM = 64;

const isLetter = (b: number) => (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const IDENTIFICATION_SHAPE = [isLetter, isLetter, isLetter, isDigit];

type State = 'idle' | 'telegram' | 'ciphered';

const NO_FRAMES: readonly P1Frame[] = [];

export class P1Framer {
  private buf = new Uint8Array(1024);
  private len = 0;
  private state: State = 'idle';
  /** The byte before buf[0]; LF at stream start and after a frame, so a `/` there opens a telegram. */
  private prev = LF;
  /** Where the telegram scan resumes, and the index of its `!` line once seen. */
  private scan = 1;
  private bang = -1;
  /** Length of the ciphered APDU being received, once its header is in; 0 while unknown. */
  private cipheredLength = 0;

  constructor(private readonly maxLength = MAX_FRAME_LENGTH) {}

  /** The frames the chunk completes; most pushes of a slow line complete none and get one shared empty list. */
  push(chunk: Uint8Array): readonly P1Frame[] {
    let frames: P1Frame[] | null = null;
    if (chunk.length <= PIECE) {
      // The common case, and a serial line's byte at a time: no view to make.
      this.append(chunk);
      frames = this.drain(frames);
    } else {
      for (let i = 0; i < chunk.length; i += PIECE) {
        this.append(chunk.subarray(i, i + PIECE));
        frames = this.drain(frames);
      }
    }
    return frames ?? NO_FRAMES;
  }

  /** The stream ended: a telegram whose CRC line lacks only its line break is whole; anything else is cut off. */
  end(): P1Frame[] {
    const frames: P1Frame[] = [];
    if (this.state === 'telegram' && this.bang >= 0) {
      frames.push({ kind: 'telegram', bytes: this.buf.slice(0, this.len) });
    } else if (this.state !== 'idle') {
      const what = this.state === 'telegram' ? "telegram ends before its '!' line" : 'encrypted frame ends early';
      frames.push(error('truncated', `the stream ended inside a frame: the ${what}`));
    }
    this.discard(this.len, LF);
    return frames;
  }

  private append(piece: Uint8Array): void {
    if (this.len + piece.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + piece.length));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    if (piece.length <= SMALL_PIECE) {
      // A serial line's byte at a time: a typed-array set costs more than the copy it makes.
      for (let i = 0; i < piece.length; i++) this.buf[this.len + i] = piece[i]!;
    } else {
      this.buf.set(piece, this.len);
    }
    this.len += piece.length;
  }

  private drain(frames: P1Frame[] | null): P1Frame[] | null {
    for (;;) {
      if (this.state === 'idle' && !this.findStart()) return frames;
      const frame = this.state === 'telegram' ? this.scanTelegram() : this.scanCiphered();
      if (frame === null) return frames;
      if (frame !== 'resync') (frames ??= []).push(frame);
    }
  }

  /** Drops bytes up to the next frame start; false when the buffer holds none (yet). */
  private findStart(): boolean {
    for (let i = 0; i < this.len; i++) {
      const b = this.buf[i]!;
      let telegram = false;
      if (b === SLASH) {
        const start = this.telegramStartAt(i);
        if (start === null) {
          this.discard(i);
          return false;
        }
        telegram = start;
      }
      const ciphered = b === GLO_CIPHERING && (i + 1 >= this.len || this.buf[i + 1] === SYSTEM_TITLE_LENGTH);
      if (telegram || ciphered) {
        this.discard(i);
        this.state = telegram ? 'telegram' : 'ciphered';
        this.scan = 1;
        this.bang = -1;
        return true;
      }
    }
    this.discard(this.len);
    return false;
  }

  /**
   * Whether the `/` at `i` opens a telegram: at a line start or after line noise (an adapter powering up), or where
   * an identification line follows (`/ISK5`: flag and baud-rate digit). Null until enough bytes are there to tell.
   */
  private telegramStartAt(i: number): boolean | null {
    const before = i === 0 ? this.prev : this.buf[i - 1]!;
    if (before === LF || before === CR || before < 0x20 || before >= 0x7f) return true;
    return this.identificationAt(i);
  }

  /** Whether an identification line's start (`/` + flag + baud-rate digit) is at `i`; null until enough bytes came. */
  private identificationAt(i: number): boolean | null {
    if (i + IDENTIFICATION_SHAPE.length >= this.len) return null;
    return IDENTIFICATION_SHAPE.every((test, k) => test(this.buf[i + 1 + k]!));
  }

  /** A whole telegram, an error, or null while more bytes are needed. */
  private scanTelegram(): P1Frame | null {
    let i = this.scan;
    // Until the `!` line only `/` and `!` matter: jump from one to the next instead of testing every byte.
    for (; this.bang < 0; i++) {
      i = this.nextMark(i);
      if (i >= this.len) break;
      const lineStart = this.buf[i - 1] === LF;
      if (this.buf[i] === BANG) {
        if (lineStart) this.bang = i;
        continue;
      }
      // A new telegram inside this one: at a line start, or mid-line where an identification follows (`/KFM5`),
      // as when a telegram is cut in mid-line or noise runs into the next one.
      const restart = lineStart || this.identificationAt(i);
      if (restart === null) {
        this.scan = i;
        return null;
      }
      if (restart) {
        this.discard(i, LF);
        return error('truncated', "a telegram was cut off: a new one began before its '!' line");
      }
    }
    for (; i < this.len; i++) {
      const b = this.buf[i]!;
      if (b === LF) return this.take(i + 1, 'telegram');
      // The CRC line ended without its line break (the next frame follows at once): the telegram ends here.
      if (!isCrcLineByte(b) || i - this.bang > MAX_CRC_LINE) return this.take(i, 'telegram');
    }
    this.scan = this.len;
    if (this.len > this.maxLength) {
      this.discard(this.len);
      return error('syntax', `no '!' end line within ${this.maxLength} bytes: not a P1 telegram, or its end was lost`);
    }
    return null;
  }

  /** The first `/` or `!` at or after `from`, or `len` when there is none. */
  private nextMark(from: number): number {
    const { buf, len } = this;
    if (len - from < NATIVE_SEARCH_FROM) {
      for (let i = from; i < len; i++) if (buf[i] === SLASH || buf[i] === BANG) return i;
      return len;
    }
    // indexOf runs natively; the buffer's spare room beyond `len` holds stale bytes, so results there mean none.
    const slash = buf.indexOf(SLASH, from);
    const bang = buf.indexOf(BANG, from);
    const first = Math.min(slash < 0 || slash >= len ? len : slash, bang < 0 || bang >= len ? len : bang);
    return first;
  }

  /** A whole APDU, 'resync' after dropping a false start, or null while more bytes are needed. */
  private scanCiphered(): P1Frame | 'resync' | null {
    if (this.len < this.cipheredLength) return null; // its header told the length: nothing to look at before
    const total =
      this.len < 2 || this.buf[1] === SYSTEM_TITLE_LENGTH ? cipheredApduLength(this.buf.subarray(0, this.len)) : 0;
    if (total === null) {
      if (this.len <= this.maxLength) return null;
    } else if (total > 0 && total <= this.maxLength) {
      if (this.len >= total) return this.take(total, 'ciphered');
      this.cipheredLength = total;
      return null;
    }
    // Not a ciphered APDU after all: resume the search just past its first byte.
    this.discard(1);
    return 'resync';
  }

  private take(length: number, kind: 'telegram' | 'ciphered'): P1Frame {
    const bytes = this.buf.slice(0, length);
    this.discard(length, LF);
    return { kind, bytes };
  }

  /** Drops the first `count` bytes and returns to the search; `before` overrides what counts as the byte before. */
  private discard(count: number, before?: number): void {
    if (before !== undefined) this.prev = before;
    else if (count > 0) this.prev = this.buf[count - 1]!;
    this.buf.copyWithin(0, count, this.len);
    this.len -= count;
    this.state = 'idle';
    this.cipheredLength = 0;
  }
}

function isCrcLineByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66) || b === CR || b === 0x20;
}

function error(kind: DecodeError['kind'], message: string): P1Frame {
  return { kind: 'error', error: decodeError(kind, message) };
}
