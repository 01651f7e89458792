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
    this.settle();
    return { gained, lost };
  }

  owns(topic: string, partition: number): boolean {
    return !this.settling && this.assigned.has(key(topic, partition));
  }

  /** Resolves when no rebalance is in progress. */
  async stable(): Promise<void> {
    while (this.settling) await this.settling.promise;
  }

  /** Stopping: nothing is owned any more, and nobody waits. */
  close(): void {
    this.assigned.clear();
    this.settle();
  }

  private settle(): void {
    const s = this.settling;
    this.settling = null;
    s?.resolve();
  }
}
