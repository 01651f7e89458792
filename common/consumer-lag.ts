// Consumer lag of a Kafka consumer group, per partition: the end of each partition minus
// the group's committed offset — how far a stage is behind what has been produced. Read
// through the admin API at most every `cacheMs`, so a health endpoint polled often costs
// the brokers nothing.
import type { Admin, Kafka } from 'kafkajs';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset the group will read (-1: nothing committed yet, it starts at the beginning). */
  committed: number;
  /** End of the partition (offset of the next message produced). */
  end: number;
  lag: number;
}

export class ConsumerLag {
  private admin: Admin | null = null;
  private cached: { at: number; value: Promise<PartitionLag[]> } | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly topics: readonly string[],
    private readonly cacheMs = 5000,
  ) {}

  read(now = Date.now()): Promise<PartitionLag[]> {
    if (!this.cached || now - this.cached.at > this.cacheMs) {
      const value = this.fetch();
      value.catch(() => (this.cached = null));
      this.cached = { at: now, value };
    }
    return this.cached.value;
  }

  private async fetch(): Promise<PartitionLag[]> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    const admin = this.admin;
    const committed = await admin.fetchOffsets({ groupId: this.groupId, topics: [...this.topics] });
    const out: PartitionLag[] = [];
    for (const t of committed) {
      const bounds = new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, p]));
      for (const p of t.partitions) {
        const end = Number(bounds.get(p.partition)?.high ?? 0);
        const at = Number(p.offset);
        const from = at >= 0 ? at : Number(bounds.get(p.partition)?.low ?? 0);
        out.push({ topic: t.topic, partition: p.partition, committed: at, end, lag: Math.max(0, end - from) });
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = null;
  }
}
