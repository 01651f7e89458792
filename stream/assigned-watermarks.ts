// The watermarks of the partitions this processor owns: read once per assignment, then kept
// up to date by its own stores (processor.ts). A read is bounded: with storage stalled (or a
// takeover waiting on it) a batch waits at most `waitMs` and is then read ahead of storage
// instead (detect-ahead.ts); later batches of that partition do not wait again while the
// read is still pending.
import type { PartitionWatermarks } from '../clickhouse/watermarks.ts';

export class AssignedWatermarks {
  private readonly known = new Map<string, PartitionWatermarks>();
  private readonly loads = new Map<string, Promise<PartitionWatermarks>>();
  /** Partitions whose read took longer than waitMs: later batches do not wait for it. */
  private readonly slow = new Set<string>();

  constructor(
    /** Reads a partition's watermarks from storage, once the current assignment may be read. */
    private readonly read: (topic: string, partition: number) => Promise<PartitionWatermarks>,
    /** The assignment's generation: a read that spans a new assignment is read again. */
    private readonly generation: () => number,
    private readonly waitMs: number,
  ) {}

  /** A new assignment: every partition is read afresh. */
  clear(): void {
    this.known.clear();
    this.loads.clear();
    this.slow.clear();
  }

  /** Known (read in this assignment): `topic/partition`. */
  has(tp: string): boolean {
    return this.known.has(tp);
  }

  /** The partition's watermarks, or null when they cannot be had within waitMs. */
  async orNull(topic: string, partition: number): Promise<PartitionWatermarks | null> {
    const key = `${topic}/${partition}`;
    const known = this.known.get(key);
    if (known) return known;
    let load = this.loads.get(key);
    if (!load) {
      load = this.load(key, topic, partition);
      this.loads.set(key, load);
      load.then(
        () => this.slow.delete(key),
        () => {
          this.loads.delete(key);
          this.slow.delete(key);
        },
      );
    }
    // Waited out once already: do not hold every batch of the partition as long again.
    if (this.slow.has(key)) return null;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<null>((r) => (timer = setTimeout(() => r(null), this.waitMs)));
    try {
      const wm = await Promise.race([load.catch(() => null), bound]);
      if (!wm) this.slow.add(key);
      return wm;
    } finally {
      clearTimeout(timer);
    }
  }

  private async load(key: string, topic: string, partition: number): Promise<PartitionWatermarks> {
    for (;;) {
      const cached = this.known.get(key);
      if (cached) return cached;
      const generation = this.generation();
      const wm = await this.read(topic, partition);
      // Read for this assignment only: a newer one drained the writer again since.
      if (generation === this.generation()) {
        this.known.set(key, wm);
        return wm;
      }
    }
  }
}
