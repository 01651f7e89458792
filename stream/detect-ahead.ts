// Detection must not wait on storage: a failover has to reach chat while ClickHouse is
// stalled. The processor normally holds a bounded amount of unstored rows and then waits
// for the insert; with ClickHouse frozen that wait is endless, fetching stops, and the
// topology sample showing the promotion is never read. So while storage is stalled (an
// insert pending longer than STALL_MS with the bound reached, or a partition whose
// watermarks cannot be read), the processor reads on *ahead of storage*: it runs the
// detectors on each message and publishes their alerts, but holds no rows and commits
// nothing. Each such partition remembers the first offset it did not store; once storage
// has caught up, the processor seeks it back there and stores normally — the detectors
// skip what they have already seen (in memory: detectedUpTo), and the watermarks skip
// what was stored. Memory stays bounded; nothing is lost (uncommitted offsets are read
// again, also by whoever owns the partition after a rebalance or restart).
//
// Pure bookkeeping; the processor does the Kafka and ClickHouse parts.

/** An insert pending this long with the unstored bound reached is a stall, not slowness. */
export const STALL_MS = 5000;

export class DetectAhead {
  /** `topic/partition` → first offset not stored. */
  private readonly rewindFrom = new Map<string, string>();
  /** `topic/partition` → the highest offset the detectors have seen (this assignment). */
  private readonly detectedUpTo = new Map<string, bigint>();

  /** A new assignment: Kafka resumes from the committed offsets, which are where storage is. */
  reset(): void {
    this.rewindFrom.clear();
    this.detectedUpTo.clear();
  }

  /** True the first time a message is offered to the detectors in this assignment. */
  firstSight(tp: string, offset: string): boolean {
    const o = BigInt(offset);
    const seen = this.detectedUpTo.get(tp);
    if (seen !== undefined && o <= seen) return false;
    this.detectedUpTo.set(tp, o);
    return true;
  }

  /** This partition is read ahead of storage from `firstOffset` on (kept if already behind). */
  markBehind(tp: string, firstOffset: string): void {
    if (!this.rewindFrom.has(tp)) this.rewindFrom.set(tp, firstOffset);
  }

  isBehind(tp: string): boolean {
    return this.rewindFrom.has(tp);
  }

  /** Where to seek back to, once (the caller seeks). */
  takeRewind(tp: string): string | undefined {
    const at = this.rewindFrom.get(tp);
    this.rewindFrom.delete(tp);
    return at;
  }

  /** The partitions read ahead of storage (`topic/partition`). */
  behind(): string[] {
    return [...this.rewindFrom.keys()];
  }

  get partitionsBehind(): number {
    return this.rewindFrom.size;
  }
}
