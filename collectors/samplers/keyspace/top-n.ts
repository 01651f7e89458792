// The N largest items seen, by a numeric score, in O(log N) per item and O(N) memory:
// a min-heap whose root is the smallest of the kept items, so a newcomer only has to beat it.

export class TopN<T> {
  private readonly heap: Array<{ score: number; item: T }> = [];

  constructor(private readonly n: number) {}

  /** Smallest score that still gets in once full (−Infinity while not full). */
  get floor(): number {
    return this.heap.length < this.n ? -Infinity : this.heap[0]!.score;
  }

  offer(score: number, item: T): void {
    if (this.n <= 0) return;
    if (this.heap.length < this.n) {
      this.heap.push({ score, item });
      this.up(this.heap.length - 1);
    } else if (score > this.heap[0]!.score) {
      this.heap[0] = { score, item };
      this.down(0);
    }
  }

  /** Highest score first. */
  sorted(): T[] {
    return [...this.heap].sort((a, b) => b.score - a.score).map((e) => e.item);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.score <= h[i]!.score) return;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < h.length && h[l]!.score < h[least]!.score) least = l;
      if (r < h.length && h[r]!.score < h[least]!.score) least = r;
      if (least === i) return;
      [h[least], h[i]] = [h[i]!, h[least]!];
      i = least;
    }
  }
}
