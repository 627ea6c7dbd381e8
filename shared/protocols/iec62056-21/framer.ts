/**
 * IEC 62056-21 readouts (mode D pushes, and the reply to a mode C/E request): `/` identification line, the data block
 * (optionally between STX and ETX + BCC) up to `!`. Request echoes (`/?...!`), ETX/BCC and bytes between readouts are
 * skipped; at most MAX_READOUT_LENGTH bytes of one readout are held.
 */
import { ByteBuffer } from '../byte-buffer.ts';
import { decodeError, type DecodeError } from '../types.ts';

export const MAX_READOUT_LENGTH = 32 * 1024;

const SLASH = 0x2f;
const QUESTION = 0x3f;
const BANG = 0x21;
const OPEN = 0x28;
const CLOSE = 0x29;
const LF = 0x0a;

export type IecFrame =
  { kind: 'readout'; identification: string; data: Uint8Array } | { kind: 'error'; error: DecodeError };

/** What most pushes of a slow line return: one frozen empty result, not an allocation per byte. */
const NO_FRAMES = Object.freeze<IecFrame[]>([]) as IecFrame[];

const cutOff = (): IecFrame => ({
  kind: 'error',
  error: decodeError('truncated', 'an IEC 62056-21 readout was cut off by the next one'),
});

export class IecFramer {
  private readonly buffer = new ByteBuffer();
  /**
   * Where the held readout's scan resumes (every byte before it was looked at once), and whether that is inside
   * `(...)`. It stops short of the end only at a `/` whose next four bytes have not come yet.
   */
  private scanAt = 1;
  private inValue = false;

  push(chunk: Uint8Array): IecFrame[] {
    if (this.passes(chunk)) return NO_FRAMES;
    this.buffer.append(chunk);
    const frames: IecFrame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  end(): IecFrame[] {
    const held = this.buffer.view();
    const started = held.length > 1 && held[0] === SLASH && held[1] !== QUESTION;
    this.buffer.clear();
    this.restartScan();
    return started
      ? [{ kind: 'error', error: decodeError('truncated', 'the stream ended inside an IEC 62056-21 readout') }]
      : [];
  }

  /**
   * What a slow line mostly delivers, handled by one look at each byte of the chunk and no look at what is held:
   * bytes between readouts without a `/` (dropped), or bytes inside a readout without its end or a `/` (kept).
   */
  private passes(chunk: Uint8Array): boolean {
    const held = this.buffer.length;
    if (held === 0) return chunk.indexOf(SLASH) < 0;
    // A lone `/` is checked by next() first: only an identification or an echoed request opens a readout.
    if (held < 2 || this.scanAt !== held || held + chunk.length > MAX_READOUT_LENGTH) return false;
    let inValue = this.inValue;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === OPEN) inValue = true;
      else if (b === CLOSE) inValue = false;
      else if (b === SLASH || (b === BANG && !inValue)) return false;
    }
    this.buffer.append(chunk);
    this.scanAt += chunk.length;
    this.inValue = inValue;
    return true;
  }

  private next(): IecFrame | null {
    for (;;) {
      const held = this.buffer.view();
      const start = held.indexOf(SLASH);
      if (start < 0) {
        this.buffer.clear();
        return null;
      }
      if (start > 0) {
        this.buffer.consume(start);
        this.restartScan();
      }
      const view = this.buffer.view();
      if (view.length > 1 && view[1] !== QUESTION && !isLetter(view[1])) {
        // Neither an identification nor an echoed request: a `/` between readouts (a BCC can be one).
        this.buffer.consume(1);
        continue;
      }
      const end = this.findEnd(view);
      if (end === null) {
        if (view.length <= MAX_READOUT_LENGTH) return null;
        this.buffer.consume(1);
        this.restartScan();
        return {
          kind: 'error',
          error: decodeError('syntax', `an IEC 62056-21 readout over ${MAX_READOUT_LENGTH} bytes`),
        };
      }
      this.restartScan();
      this.buffer.consume(end.at + (end.kind === 'bang' ? 1 : 0));
      if (view[1] === QUESTION) continue; // a request echoed by the optical head
      return end.kind === 'bang' ? readout(view.subarray(0, end.at)) : cutOff();
    }
  }

  /**
   * The `!` closing the readout held in `bytes` (outside parentheses), or the identification of a readout that cut it
   * off; null while neither has come, leaving the scan where the next call resumes.
   */
  private findEnd(bytes: Uint8Array): End | null {
    let inValue = this.inValue;
    for (let i = this.scanAt; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === OPEN) inValue = true;
      else if (b === CLOSE) inValue = false;
      else if (!inValue && b === BANG) return { kind: 'bang', at: i };
      else if (b === SLASH) {
        if (i + 4 >= bytes.length) return this.pause(i, inValue); // `/XXXZ` needs four more bytes to be told
        if (isIdentification(bytes, i)) return { kind: 'restart', at: i };
      }
    }
    return this.pause(bytes.length, inValue);
  }

  private pause(at: number, inValue: boolean): null {
    this.scanAt = at;
    this.inValue = inValue;
    return null;
  }

  private restartScan(): void {
    this.scanAt = 1;
    this.inValue = false;
  }
}

type End = { kind: 'bang' | 'restart'; at: number };

const isLetter = (b: number | undefined) => b !== undefined && (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a;

/** `/XXXZ`: a manufacturer's three letters and the baud-rate digit open an identification line. */
function isIdentification(bytes: Uint8Array, at: number): boolean {
  const z = bytes[at + 4];
  return (
    isLetter(bytes[at + 1]) &&
    isLetter(bytes[at + 2]) &&
    isLetter(bytes[at + 3]) &&
    z !== undefined &&
    z >= 0x30 &&
    z <= 0x39
  );
}

function readout(bytes: Uint8Array): IecFrame {
  const lineEnd = bytes.indexOf(LF);
  if (lineEnd < 0) {
    return { kind: 'error', error: decodeError('syntax', 'an IEC 62056-21 readout without an identification line') };
  }
  const identification = String.fromCharCode(...bytes.subarray(1, lineEnd)).trim();
  return { kind: 'readout', identification, data: bytes.subarray(lineEnd + 1) };
}
