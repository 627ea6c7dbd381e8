/**
 * The bytes a framer holds between pushes: one buffer that grows geometrically and is compacted in place, so that
 * feeding a stream one byte at a time (a slow serial line) costs no more copying than feeding it whole. Views it hands
 * out are valid until the next append: framers copy what they keep.
 */
const SHRINK_ABOVE = 64 * 1024;
const SMALL_CHUNK = 16;

export class ByteBuffer {
  private buf: Uint8Array;
  private start = 0;
  private end = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const held = this.end - this.start;
      if (held + chunk.length <= this.buf.length / 2) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const grown = new Uint8Array(Math.max(this.buf.length * 2, held + chunk.length));
        grown.set(this.buf.subarray(this.start, this.end));
        this.buf = grown;
      }
      this.start = 0;
      this.end = held;
    }
    if (chunk.length <= SMALL_CHUNK) {
      // A serial line's byte at a time: a typed-array set costs more than the copy it makes.
      for (let i = 0; i < chunk.length; i++) this.buf[this.end + i] = chunk[i]!;
    } else {
      this.buf.set(chunk, this.end);
    }
    this.end += chunk.length;
  }

  /** The bytes held, as a view. */
  view(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  consume(count: number): void {
    this.start = Math.min(this.end, this.start + count);
    if (this.start === this.end) this.start = this.end = 0;
    // A huge chunk once pushed must not pin its size for the rest of the stream.
    const held = this.end - this.start;
    if (this.buf.length > SHRINK_ABOVE && held < this.buf.length / 8) {
      const kept = new Uint8Array(Math.max(held * 2, SHRINK_ABOVE / 2));
      kept.set(this.buf.subarray(this.start, this.end));
      this.buf = kept;
      this.start = 0;
      this.end = held;
    }
  }

  clear(): void {
    this.start = this.end = 0;
  }
}
