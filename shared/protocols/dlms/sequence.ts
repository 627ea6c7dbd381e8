/**
 * Reassembly of numbered pieces into one APDU, shared by M-Bus segments and general block transfer: pieces must
 * arrive in order; a restart (the first number again) drops the unfinished message with a `truncated` error, any
 * other gap or repetition drops it with a `syntax` error. Total size is bounded.
 */
import { decodeError, type DecodeError } from '../types.ts';

export const MAX_APDU_BYTES = 64 * 1024;

export interface Piece {
  number: number;
  last: boolean;
  data: Uint8Array;
}

export interface SequenceResult {
  errors: DecodeError[];
  complete?: Uint8Array;
}

export class SequenceAssembler {
  private parts: Uint8Array[] = [];
  private size = 0;
  private lastNumber: number | null = null;

  /**
   * @param what how errors name the pieces, e.g. "GBT block"
   * @param first the number of the first piece
   * @param next the number expected after `n` (M-Bus sequence numbers wrap at 16)
   */
  constructor(
    private readonly what: string,
    private readonly first: number,
    private readonly next: (n: number) => number,
  ) {}

  push(piece: Piece): SequenceResult {
    const errors: DecodeError[] = [];
    if (this.lastNumber !== null && piece.number !== this.next(this.lastNumber)) {
      if (piece.number === this.first) {
        errors.push(this.leftover(`restarted at ${this.what} ${this.first}`));
      } else {
        const problem = piece.number === this.lastNumber ? 'repeated' : 'out of order';
        errors.push(
          decodeError(
            'syntax',
            `${this.what} ${piece.number} ${problem} (expected ${this.next(this.lastNumber)}): the message is dropped`,
          ),
        );
        this.reset();
        return { errors };
      }
      this.reset();
    }
    if (this.lastNumber === null && piece.number !== this.first) {
      errors.push(
        decodeError('syntax', `${this.what} ${piece.number} arrived without ${this.what} ${this.first}: it is dropped`),
      );
      return { errors };
    }
    if (this.size + piece.data.length > MAX_APDU_BYTES) {
      errors.push(decodeError('syntax', `message from ${this.what}s exceeds ${MAX_APDU_BYTES} bytes: it is dropped`));
      this.reset();
      return { errors };
    }
    this.parts.push(piece.data);
    this.size += piece.data.length;
    this.lastNumber = piece.number;
    if (!piece.last) return { errors };
    // A message in one piece needs no joining: pieces are never views of a buffer the framers reuse.
    const complete = this.parts.length === 1 ? this.parts[0]! : concat(this.parts, this.size);
    this.reset();
    return { errors, complete };
  }

  /** The stream ended: an unfinished message is reported. */
  end(): DecodeError[] {
    if (this.lastNumber === null) return [];
    const error = this.leftover('at the end of the stream');
    this.reset();
    return [error];
  }

  private leftover(how: string): DecodeError {
    const received = `${this.parts.length} ${this.what}${this.parts.length === 1 ? '' : 's'}`;
    return decodeError('truncated', `unfinished message (${received} received) ${how}: it is dropped`);
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.lastNumber = null;
  }
}

export function concat(parts: readonly Uint8Array[], size = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
