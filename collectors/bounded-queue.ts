// A FIFO with a hard bound: pushing onto a full queue drops the oldest entry and counts it.
// Used to ride out a Kafka outage without unbounded memory growth.
export class BoundedQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  dropped = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (this.length >= this.capacity) {
      this.items[this.head++] = undefined;
      this.dropped++;
    }
    this.items.push(item);
    this.compact();
  }

  /** The first `n` items, left in place. */
  peek(n: number): T[] {
    return this.items.slice(this.head, this.head + n) as T[];
  }

  /** Removes and returns the first `n` items. */
  shift(n: number): T[] {
    const k = Math.min(n, this.length);
    const out = this.items.slice(this.head, this.head + k) as T[];
    for (let i = 0; i < k; i++) this.items[this.head + i] = undefined;
    this.head += k;
    this.compact();
    return out;
  }

  /** Puts `items` back in front (a batch that could not be delivered); past the bound the oldest are dropped. */
  unshift(items: readonly T[]): void {
    if (items.length <= this.head) {
      this.head -= items.length;
      for (let i = 0; i < items.length; i++) this.items[this.head + i] = items[i];
    } else {
      this.items = [...items, ...this.items.slice(this.head)];
      this.head = 0;
    }
    const over = this.length - this.capacity;
    if (over > 0) {
      this.shift(over);
      this.dropped += over;
    }
  }

  private compact(): void {
    // Amortised O(1): shift the array only once the dead prefix is half of it.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
