// The stream processor: one member of a Kafka consumer group. Scale out by adding
// partitions and running more processors with the same group id.
//
// Per partition batch: decode + validate every message, turn the good ones into rows,
// drop rows whose offset is at or below that table's watermark (already stored by an
// earlier run), hand the rest to the shared BatchWriter, and commit the batch's offsets
// only after the writer has stored them and sent the dead letters. A crash anywhere
// therefore redelivers from the last commit, and the watermarks make the replay a no-op.
// While storage is stalled the processor reads ahead of it, detecting without storing,
// and seeks back once storage has caught up (detect-ahead.ts): alerts never wait on
// ClickHouse.
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import type { AlertEventV1, DeadLetterV1 } from '../contracts/index.ts';
import type { BatchWriter } from './batch-writer.ts';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { readWatermarks, type PartitionWatermarks } from '../clickhouse/watermarks.ts';
import { deadLetter, sendDeadLetters } from './dead-letter.ts';
import { DetectAhead, STALL_MS } from './detect-ahead.ts';
import type { DetectorRunner } from './detectors/runner.ts';
import { decode } from './decode.ts';
import { handlerFor, HANDLERS } from './handlers.ts';
import type { TableRows } from './rows/source.ts';

export interface ProcessorStats {
  messages: number;
  deadLetters: number;
  skippedAlreadyStored: number;
  /** Batches read ahead of a stalled storage (detected, stored later). */
  readAhead: number;
  lastMessageTs: number | null;
  lastCommitAt: number | null;
}

export class StreamProcessor {
  readonly stats: ProcessorStats = {
    messages: 0,
    deadLetters: 0,
    skippedAlreadyStored: 0,
    readAhead: 0,
    lastMessageTs: null,
    lastCommitAt: null,
  };
  private readonly consumer: Consumer;
  private readonly watermarks = new Map<string, PartitionWatermarks>();
  private readonly watermarkLoads = new Map<string, Promise<PartitionWatermarks>>();
  /** Partitions whose watermark read took too long (storage stalled): later batches do not wait for it. */
  private readonly watermarkSlow = new Set<string>();
  private readonly ahead = new DetectAhead();
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
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.watermarks.clear();
      this.watermarkLoads.clear();
      this.watermarkSlow.clear();
      this.ahead.reset();
      if (++this.joins > 1) this.rebalanceGraceUntil = Date.now() + this.opts.rebalanceGraceMs;
      this.detectors?.assign(
        Object.entries(e.payload.memberAssignment).flatMap(([topic, ps]) => ps.map((p) => `${topic}/${p}`)),
      );
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

  /** The partition's watermarks, or null when they cannot be had within a bound (storage stalled: read ahead). */
  private async watermarksOrNull(topic: string, partition: number): Promise<PartitionWatermarks | null> {
    const key = `${topic}/${partition}`;
    const known = this.watermarks.get(key);
    if (known) return known;
    let load = this.watermarkLoads.get(key);
    if (!load) {
      load = this.partitionWatermarks(topic, partition);
      this.watermarkLoads.set(key, load);
      load.then(
        () => this.watermarkSlow.delete(key),
        () => {
          this.watermarkLoads.delete(key);
          this.watermarkSlow.delete(key);
        },
      );
    }
    // Waited out once already: do not hold every batch of the partition as long again.
    if (this.watermarkSlow.has(key)) return null;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<null>((r) => (timer = setTimeout(() => r(null), this.opts.rebalanceGraceMs + STALL_MS)));
    try {
      const wm = await Promise.race([load.catch(() => null), bound]);
      if (!wm) this.watermarkSlow.add(key);
      return wm;
    } finally {
      clearTimeout(timer);
    }
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

  /** Storage cannot take more now: the unstored bound is reached and the insert in progress has been stuck for STALL_MS. */
  private storageStalled(): boolean {
    return this.writer.unstoredMessages > this.opts.maxUnstoredMessages && this.writer.pendingForMs() > STALL_MS;
  }

  /** Resolves once the insert in progress counts as stalled (checked twice a second), or never. */
  private untilStalled(done: Promise<unknown>): Promise<void> {
    return new Promise((resolve) => {
      const check = setInterval(() => {
        if (this.writer.pendingForMs() > STALL_MS) resolve();
      }, 500);
      void done.finally(() => clearInterval(check));
    });
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale } = payload;
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const tp = `${batch.topic}/${batch.partition}`;
    const wm = await this.watermarksOrNull(batch.topic, batch.partition);
    if (!isRunning() || isStale()) return;
    const caughtUp =
      this.writer.unstoredMessages <= this.opts.maxUnstoredMessages / 2 && this.writer.pendingForMs() < STALL_MS;
    if (this.ahead.isBehind(tp) && wm && caughtUp) {
      // Storage caught up: read this partition again from its first unstored message.
      this.consumer.seek({ topic: batch.topic, partition: batch.partition, offset: this.ahead.takeRewind(tp)! });
      this.log.info(
        { topic: batch.topic, partition: batch.partition },
        'storage caught up; storing what was read ahead',
      );
      return;
    }
    if (!wm || this.ahead.isBehind(tp) || this.storageStalled()) {
      if (!this.ahead.isBehind(tp))
        this.log.warn(
          { topic: batch.topic, partition: batch.partition, unstored: this.writer.unstoredMessages },
          'ClickHouse stalled: detecting ahead of storage; rows are stored when it answers',
        );
      this.ahead.markBehind(tp, batch.firstOffset()!);
      await this.detectOnly(payload, wm);
      resolveOffset(batch.lastOffset()); // fetch on; nothing is committed past the rewind point
      this.stats.readAhead++;
      return;
    }
    await this.store(payload, wm);
  }

  /** Runs the detectors on a batch that is not stored now, and publishes their alerts. */
  private async detectOnly({ batch, heartbeat }: EachBatchPayload, wm: PartitionWatermarks | null): Promise<void> {
    const handler = handlerFor(batch.topic);
    if (!handler || !this.detectors) return;
    const tp = `${batch.topic}/${batch.partition}`;
    const alerts: AlertEventV1[] = [];
    for (const m of batch.messages) {
      const offset = Number(m.offset);
      // Already stored (known watermarks): seen by the detectors when it was stored.
      if (wm && handler.tables.every((t) => offset <= (wm.get(t) ?? -1))) continue;
      if (!this.ahead.firstSight(tp, m.offset)) continue;
      const decoded = decode(handler, m.value);
      if (!decoded.ok) continue; // dead-lettered when the partition is read again for storage
      const message = decoded.message as { ts: number };
      alerts.push(...this.detectors.observe(batch.topic, message, message.ts, batch.partition));
    }
    // These messages will not be offered to the detectors again: the runner retries until Kafka has them.
    const beat = setInterval(() => void heartbeat().catch(() => {}), 3000);
    try {
      await this.detectors.publish(alerts);
    } finally {
      clearInterval(beat);
    }
  }

  private async store({ batch, heartbeat, resolveOffset }: EachBatchPayload, wm: PartitionWatermarks): Promise<void> {
    const handler = handlerFor(batch.topic);
    const tp = `${batch.topic}/${batch.partition}`;
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
      // Detectors see each message once: a replay of what is already stored does not re-alert,
      // nor does storing what was read ahead of storage (detect-ahead.ts).
      if (fresh && this.detectors && this.ahead.firstSight(tp, m.offset))
        alerts.push(
          ...this.detectors.observe(
            batch.topic,
            decoded.message,
            (decoded.message as { ts: number }).ts,
            batch.partition,
          ),
        );
    }

    // Alerts go out now, in parallel with the insert (and retried on their own until Kafka
    // has them): chat never waits for a flush. The commit below waits for both.
    const detectors = this.detectors;
    const published = detectors ? detectors.publish(alerts) : Promise.resolve();
    published.catch(() => {}); // awaited in afterStore
    const last = batch.lastOffset();
    const count = batch.messages.length;
    const lastTs = Number(batch.messages[count - 1]!.timestamp);

    // Runs inside the flush, after the insert: only then is the batch done.
    const afterStore = async () => {
      await published; // rejects only when stopping: then the flush fails and nothing is committed
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
    // …but only so far: past the bound, wait for the insert (memory stays bounded) — unless
    // it stalls, then the next batches are read ahead of storage (detect-ahead.ts).
    if (this.writer.unstoredMessages > this.opts.maxUnstoredMessages) {
      const beat = setInterval(() => void heartbeat().catch(() => {}), 3000);
      try {
        await Promise.race([stored, this.untilStalled(stored)]);
      } finally {
        clearInterval(beat);
      }
    }
  }
}
