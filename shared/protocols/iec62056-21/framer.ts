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

const cutOff = (): IecFrame => ({
  kind: 'error',
  error: decodeError('truncated', 'an IEC 62056-21 readout was cut off by the next one'),
});

export class IecFramer {
  private readonly buffer = new ByteBuffer();
  /** Where the held readout's scan resumes, and whether that is inside `(...)`: each byte is looked at about once. */
  private scan = { at: 1, inValue: false };

  push(chunk: Uint8Array): IecFrame[] {
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
    return started
      ? [{ kind: 'error', error: decodeError('truncated', 'the stream ended inside an IEC 62056-21 readout') }]
      : [];
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
        this.scan = { at: 1, inValue: false };
      }
      const view = this.buffer.view();
      const end = findEnd(view, this.scan);
      if (end.kind !== 'more') this.scan = { at: 1, inValue: false };
      if (end.kind === 'more') {
        if (view.length <= MAX_READOUT_LENGTH) return null;
        this.buffer.consume(1);
        this.scan = { at: 1, inValue: false };
        return {
          kind: 'error',
          error: decodeError('syntax', `an IEC 62056-21 readout over ${MAX_READOUT_LENGTH} bytes`),
        };
      }
      this.buffer.consume(end.at + (end.kind === 'bang' ? 1 : 0));
      if (view[1] === QUESTION) continue; // a request echoed by the optical head
      return end.kind === 'bang' ? readout(view.subarray(0, end.at)) : cutOff();
    }
  }
}

type End = { kind: 'bang' | 'restart'; at: number } | { kind: 'more' };
type Scan = { at: number; inValue: boolean };

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

/**
 * The `!` closing the readout at 0 (outside parentheses), or the identification of a readout that cut it off.
 * Scans from `scan` and, when the end is not there yet, leaves it where the next call resumes: four bytes back, as
 * `/XXXZ` needs them to be recognised.
 */
function findEnd(bytes: Uint8Array, scan: Scan): End {
  let inValue = scan.inValue;
  const resume = Math.max(scan.at, bytes.length - 4);
  for (let i = scan.at; i < bytes.length; i++) {
    if (i === resume) scan.inValue = inValue;
    const b = bytes[i]!;
    if (b === OPEN) inValue = true;
    else if (b === CLOSE) inValue = false;
    else if (!inValue && b === BANG) return { kind: 'bang', at: i };
    else if (b === SLASH && isIdentification(bytes, i)) return { kind: 'restart', at: i };
  }
  if (resume < bytes.length) scan.at = resume;
  return { kind: 'more' };
}

function readout(bytes: Uint8Array): IecFrame {
  const lineEnd = bytes.indexOf(LF);
  if (lineEnd < 0) {
    return { kind: 'error', error: decodeError('syntax', 'an IEC 62056-21 readout without an identification line') };
  }
  const identification = String.fromCharCode(...bytes.subarray(1, lineEnd)).trim();
  return { kind: 'readout', identification, data: bytes.subarray(lineEnd + 1) };
}
