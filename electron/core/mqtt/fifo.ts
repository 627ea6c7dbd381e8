/** A first-in first-out list with O(1) push and shift (an array's shift() copies the whole array). */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    // Give the consumed front back once it is most of the array.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns the `count` oldest items (all of them when `count` is omitted). */
  take(count = this.length): T[] {
    const taken = this.items.slice(this.head, this.head + count) as T[];
    this.items = this.items.slice(this.head + taken.length);
    this.head = 0;
    return taken;
  }
}
