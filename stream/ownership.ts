// Which Kafka partitions this processor owns, as the consumer group last assigned them.
// Between the start of a rebalance and the new assignment nothing is known: storage
// waits (`stable`), so no insert is started for a partition that may already belong to
// another processor (batch-writer.ts, fenced-insert.ts).
export interface PartitionRef {
  topic: string;
  partition: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class PartitionOwnership {
  private assigned = new Set<string>();
  /** The generation each owned partition was gained in (kept across rebalances that left it here). */
  private since = new Map<string, number>();
  private settling: { promise: Promise<void>; resolve: () => void } | null = null;
  /** Increases with every assignment. */
  generation = 0;

  /** A rebalance started: ownership is unknown until `assign`. */
  rebalancing(): void {
    if (this.settling) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.settling = { promise, resolve };
  }

  /** The group's new assignment (kafkajs GROUP_JOIN `memberAssignment`): what was gained and lost. */
  assign(assignment: Record<string, number[]>): { gained: PartitionRef[]; lost: PartitionRef[] } {
    const next = new Set<string>();
    const gained: PartitionRef[] = [];
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        next.add(key(topic, partition));
        if (!this.assigned.has(key(topic, partition))) gained.push({ topic, partition });
      }
    }
    const lost = [...this.assigned]
      .filter((k) => !next.has(k))
      .map((k) => {
        const [topic, partition] = k.split('\u0000');
        return { topic: topic!, partition: Number(partition) };
      });
    this.assigned = next;
    this.generation++;
    const since = new Map<string, number>();
    for (const k of next) since.set(k, this.since.get(k) ?? this.generation);
    this.since = since;
    this.settle();
    return { gained, lost };
  }

  owns(topic: string, partition: number): boolean {
    return !this.settling && this.assigned.has(key(topic, partition));
  }

  /**
   * Owned now, and without a break since `generation`: no other processor can have stored
   * or committed the partition's messages since then. Rows read in `generation` are stored,
   * and their offsets committed, only while this holds — a partition lost and regained in
   * between was read again by its other owner (stored twice) and its rows here may have
   * been left out of an insert (a commit would skip them).
   */
  ownedSince(topic: string, partition: number, generation: number): boolean {
    const since = this.since.get(key(topic, partition));
    return !this.settling && since !== undefined && since <= generation;
  }

  /** Resolves when no rebalance is in progress. */
  async stable(): Promise<void> {
    while (this.settling) await this.settling.promise;
  }

  /** Stopping: nothing is owned any more, and nobody waits. */
  close(): void {
    this.assigned.clear();
    this.since.clear();
    this.settle();
  }

  private settle(): void {
    const s = this.settling;
    this.settling = null;
    s?.resolve();
  }
}
