// The stream processor: one member of a Kafka consumer group. Scale out by adding
// partitions and running more processors with the same group id.
//
// Per partition batch: decode + validate every message, turn the good ones into rows,
// drop rows whose offset is at or below that table's watermark (already stored by an
// earlier run), hand the rest to the shared BatchWriter, and commit the batch's offsets
// only after the writer has stored them and sent the dead letters. A crash anywhere
// therefore redelivers from the last commit, and the watermarks make the replay a no-op.
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import type { AlertEventV1, DeadLetterV1 } from '../contracts/index.ts';
import type { BatchWriter } from './batch-writer.ts';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { readWatermarks, type PartitionWatermarks } from '../clickhouse/watermarks.ts';
import { deadLetter, sendDeadLetters } from './dead-letter.ts';
import type { DetectorRunner } from './detectors/runner.ts';
import { decode } from './decode.ts';
import { handlerFor, HANDLERS } from './handlers.ts';
import type { TableRows } from './rows/source.ts';

export interface ProcessorStats {
  messages: number;
  deadLetters: number;
  skippedAlreadyStored: number;
  lastMessageTs: number | null;
  lastCommitAt: number | null;
}

export class StreamProcessor {
  readonly stats: ProcessorStats = {
    messages: 0,
    deadLetters: 0,
    skippedAlreadyStored: 0,
    lastMessageTs: null,
    lastCommitAt: null,
  };
  private readonly consumer: Consumer;
  private readonly watermarks = new Map<string, PartitionWatermarks>();
  private joins = 0;
  private rebalanceGraceUntil = 0;

  constructor(
    kafka: Kafka,
    private readonly producer: Producer,
    private readonly clickhouse: ClickHouseClient,
    private readonly writer: BatchWriter,
    private readonly log: Logger,
    private readonly opts: { groupId: string; database: string; maxUnstoredMessages: number; rebalanceGraceMs: number },
    private readonly detectors: DetectorRunner | null = null,
  ) {
    this.consumer = kafka.consumer({
      groupId: opts.groupId,
      // Large enough fetches for large inserts, small enough to keep memory bounded.
      maxBytesPerPartition: 2 * 1024 * 1024,
      maxBytes: 8 * 1024 * 1024,
      maxWaitTimeInMs: 250,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
    });
    // After a rebalance another member may have stored more of a partition we get back.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.watermarks.clear();
      if (++this.joins > 1) this.rebalanceGraceUntil = Date.now() + this.opts.rebalanceGraceMs;
    });
    // A rebalance is starting: get our pending rows stored (and committed) quickly.
    this.consumer.on(this.consumer.events.REBALANCING, () => this.writer.flushNow());
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: HANDLERS.map((h) => h.topic), fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // All owned partitions fill the same flush concurrently.
      partitionsConsumedConcurrently: 64,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Stops fetching, stores and commits what is in flight, then leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.writer.drain();
    await this.consumer.disconnect();
  }

  private async partitionWatermarks(topic: string, partition: number): Promise<PartitionWatermarks> {
    const key = `${topic}/${partition}`;
    let wm = this.watermarks.get(key);
    if (!wm) {
      // After a rebalance only: our own unfinished inserts first, then a grace period for
      // the previous owner's — its last flush may still be landing, and reading the
      // watermark before it does would store those messages twice. Not on first sight of
      // a partition after start (nothing of ours can be in flight for it): waiting there
      // would hold the whole fetch, and with it a failover's topology samples, behind
      // every pending insert.
      if (this.joins > 1) {
        await this.writer.drain();
        const wait = this.rebalanceGraceUntil - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      wm = await readWatermarks(this.clickhouse, this.opts.database, topic, partition);
      this.watermarks.set(key, wm);
    }
    return wm;
  }

  private async onBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const handler = handlerFor(batch.topic);
    const wm = await this.partitionWatermarks(batch.topic, batch.partition);
    const rows: TableRows = new Map();
    const letters: DeadLetterV1[] = [];
    const alerts: AlertEventV1[] = [];
    let skipped = 0;

    for (const m of batch.messages) {
      const offset = Number(m.offset);
      const src = { topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value };
      if (!handler) {
        letters.push(deadLetter(src, `no handler for topic ${batch.topic}`));
        continue;
      }
      const decoded = decode(handler, m.value);
      if (!decoded.ok) {
        letters.push(deadLetter(src, decoded.reason));
        continue;
      }
      let tableRows: TableRows;
      try {
        tableRows = handler.toRows(decoded.message, { topic: batch.topic, partition: batch.partition, offset });
      } catch (err) {
        letters.push(deadLetter(src, `cannot build rows: ${errorMessage(err)}`));
        continue;
      }
      let fresh = false;
      for (const [table, list] of tableRows) {
        if (offset <= (wm.get(table) ?? -1)) {
          skipped++;
          continue;
        }
        fresh = true;
        const into = rows.get(table);
        if (into) into.push(...list);
        else rows.set(table, [...list]);
      }
      // Detectors see each message once: a replay of what is already stored does not re-alert.
      if (fresh && this.detectors)
        alerts.push(...this.detectors.observe(batch.topic, decoded.message, (decoded.message as { ts: number }).ts));
    }

    // Alerts go out now, in parallel with the insert: chat should not wait for a flush.
    const detectors = this.detectors;
    let published = detectors
      ? detectors.publish(alerts).then(
          () => true,
          () => false,
        )
      : Promise.resolve(true);
    const last = batch.lastOffset();
    const count = batch.messages.length;
    const lastTs = Number(batch.messages[count - 1]!.timestamp);

    // Runs inside the flush, after the insert: only then is the batch done.
    const afterStore = async () => {
      if (!(await published)) published = detectors!.publish(alerts).then(() => true); // throws → the flush retries
      await sendDeadLetters(this.producer, letters);
      for (const [table, list] of rows) {
        const max = list.reduce((m, r) => Math.max(m, Number(r.kafka_offset)), -1);
        if (max > (wm.get(table) ?? -1)) wm.set(table, max);
      }
      try {
        await this.consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: String(BigInt(last) + 1n) },
        ]);
        this.stats.lastCommitAt = Date.now();
      } catch (err) {
        // Harmless: the messages are stored; a redelivery is skipped by the watermarks.
        this.log.warn(
          { topic: batch.topic, partition: batch.partition, err: errorMessage(err) },
          'offset commit failed; will be redelivered and skipped',
        );
      }
      await detectors
        ?.persist()
        .catch((err) =>
          this.log.warn({ err: errorMessage(err) }, 'detector state not saved; retried with the next flush'),
        );
      this.stats.messages += count;
      this.stats.deadLetters += letters.length;
      this.stats.skippedAlreadyStored += skipped;
      if (!this.stats.lastMessageTs || lastTs > this.stats.lastMessageTs) this.stats.lastMessageTs = lastTs;
      if (letters.length > 0)
        this.log.warn(
          { topic: batch.topic, partition: batch.partition, count: letters.length, firstReason: letters[0]!.reason },
          'messages sent to the dead-letter topic',
        );
    };
    const stored = this.writer.add(rows, count, afterStore);
    // The next fetch may start while this batch is being inserted…
    resolveOffset(last);
    // …but only so far: past the bound, wait for the insert (memory stays bounded).
    if (this.writer.unstoredMessages > this.opts.maxUnstoredMessages) {
      const beat = setInterval(() => void heartbeat().catch(() => {}), 3000);
      try {
        await stored;
      } finally {
        clearInterval(beat);
      }
    }
  }
}
