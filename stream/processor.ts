// The stream processor: one member of a Kafka consumer group. Scale out by adding
// partitions and running more processors with the same group id; any number may join or
// die at any time.
//
// Per partition batch: decode + validate every message, turn the good ones into rows,
// drop rows whose offset is at or below that table's watermark (already stored by an
// earlier run or another processor), run the detectors on what is new and publish their
// alert events at once, hand the rows to the BatchWriter, and commit the batch's offsets
// only after the writer has stored them. A crash anywhere therefore redelivers from the
// last commit, and the watermarks make the replay a no-op.
//
// Exactly once, also across processors (docs/exactly-once.md):
// - an insert whose outcome is unknown is fenced before it is retried (fenced-insert.ts);
// - no insert is started for a partition while a rebalance is in progress, and rows of a
//   partition lost in a rebalance are never sent (ownership.ts, batch-writer.ts);
// - a processor given a partition waits for other processors' running inserts before it
//   reads the watermarks (takeover.ts), then loads the partition's detector state;
// - alert events are published before the rows that caused them are stored, so a crash in
//   between makes the next owner see those messages again (the alert manager drops a
//   repeated event) instead of skipping them as stored (an alert lost).
//
// While storage is stalled the processor reads ahead of it, detecting without storing,
// and seeks back once storage has caught up (detect-ahead.ts): alerts never wait on
// ClickHouse — not for an insert, and not for a takeover's watermark read.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import { retry, type Backoff } from '../common/retry.ts';
import type { AlertEventV1, DeadLetterV1 } from '../contracts/index.ts';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { EveryServer } from '../clickhouse/every-server.ts';
import { Watermarks, type PartitionWatermarks } from '../clickhouse/watermarks.ts';
import { AssignedWatermarks } from './assigned-watermarks.ts';
import { BatchWriter, sourceKey, type SourceMessage } from './batch-writer.ts';
import { deadLetter, sendDeadLetters } from './dead-letter.ts';
import { DetectAhead, STALL_MS } from './detect-ahead.ts';
import type { DetectorRunner } from './detectors/runner.ts';
import { decode } from './decode.ts';
import { INSERT_QUERY_PREFIX } from './fenced-insert.ts';
import { handlerFor, HANDLERS } from './handlers.ts';
import { PartitionOwnership, type PartitionRef } from './ownership.ts';
import type { TableRows } from './rows/source.ts';
import { waitForOtherInserts } from './takeover.ts';

export interface ProcessorStats {
  messages: number;
  deadLetters: number;
  skippedAlreadyStored: number;
  /** Batches read ahead of a stalled storage (detected, stored later). */
  readAhead: number;
  lastMessageTs: number | null;
  lastCommitAt: number | null;
  rebalances: number;
  /** Other processors' inserts waited for when taking partitions over. */
  takeoverWaits: number;
}

export interface ProcessorOptions {
  groupId: string;
  database: string;
  cluster: string | null;
  credentials: { username: string; password: string };
  flushMessages: number;
  lingerMs: number;
  maxUnstoredMessages: number;
  sessionTimeoutMs: number;
}

/** Kafka sends and state loads the processor cannot go on without: retried until they succeed or it stops. */
const RETRY_BACKOFF: Backoff = { initialMs: 200, maxMs: 5000, jitter: 0 };

export class StreamProcessor {
  readonly stats: ProcessorStats = {
    messages: 0,
    deadLetters: 0,
    skippedAlreadyStored: 0,
    readAhead: 0,
    lastMessageTs: null,
    lastCommitAt: null,
    rebalances: 0,
    takeoverWaits: 0,
  };
  /** Unique per process: names its ClickHouse sessions and insert queries. */
  readonly id = `${hostname().replace(/[^A-Za-z0-9_.-]/g, '_')}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly writer: BatchWriter;
  readonly ownership = new PartitionOwnership();
  private readonly consumer: Consumer;
  private readonly watermarks: AssignedWatermarks;
  private readonly ahead = new DetectAhead();
  private rewindTimer: NodeJS.Timeout | null = null;
  /** Settles when the partitions of the current assignment may be read (see onAssigned). */
  private assigned: Promise<void> = Promise.resolve();
  private stopping = false;
  private persists = 0;
  private readonly servers: EveryServer;
  private readonly stored: Watermarks;

  constructor(
    kafka: Kafka,
    private readonly producer: Producer,
    private readonly clickhouse: ClickHouseClient,
    private readonly log: Logger,
    private readonly opts: ProcessorOptions,
    private readonly detectors: DetectorRunner | null = null,
  ) {
    const servers = { cluster: opts.cluster, ...opts.credentials };
    this.servers = new EveryServer(clickhouse, servers);
    this.stored = new Watermarks(clickhouse, opts.database, servers);
    // A batch waits this long for its partition's watermarks before it is read ahead of storage.
    const watermarkWaitMs = opts.lingerMs + 3000 + STALL_MS;
    this.watermarks = new AssignedWatermarks(
      async (topic, partition) => {
        await this.assigned;
        return this.stored.partition(topic, partition);
      },
      () => this.ownership.generation,
      watermarkWaitMs,
    );
    this.writer = new BatchWriter(
      clickhouse,
      { database: opts.database, cluster: opts.cluster, processorId: this.id, watermarks: this.stored },
      log,
      { flushMessages: opts.flushMessages, lingerMs: opts.lingerMs },
      {
        ownership: this.ownership,
        rejected: (messages) =>
          this.untilDone('dead letters for messages ClickHouse refused', () =>
            sendDeadLetters(
              this.producer,
              messages.map((m) => deadLetter(m.source, m.reason)),
            ),
          ),
      },
    );
    this.consumer = kafka.consumer({
      groupId: opts.groupId,
      // Large enough fetches for large inserts, small enough to keep memory bounded.
      maxBytesPerPartition: 2 * 1024 * 1024,
      maxBytes: 8 * 1024 * 1024,
      maxWaitTimeInMs: 250,
      sessionTimeout: opts.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(opts.sessionTimeoutMs / 5)),
    });
    this.consumer.on(this.consumer.events.REBALANCING, () => this.onRebalancing());
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => this.onAssigned(e.payload.memberAssignment));
  }

  async start(): Promise<void> {
    // A partition read ahead is rewound by its next batch — or, when none comes (its
    // producers went quiet and everything was already fetched), by this check.
    this.rewindTimer = setInterval(() => this.rewindCaughtUp(), 500);
    this.rewindTimer.unref();
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

  /** Stops fetching, stores and commits what is in flight (for up to `graceMs`), then leaves the group. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.rewindTimer) clearInterval(this.rewindTimer);
    await this.consumer.stop();
    await this.writer.stop(graceMs);
    await this.detectors?.persist(this.queryId('detector_state')).catch(() => {});
    this.ownership.close();
    await this.consumer.disconnect();
  }

  /** A rebalance started: nothing is inserted until the new assignment is known; save detector state for the next owner. */
  private onRebalancing(): void {
    this.stats.rebalances++;
    this.ownership.rebalancing();
    this.writer.flushNow();
    void this.detectors
      ?.persist(this.queryId('detector_state'))
      .catch((err) => this.log.warn({ err: errorMessage(err) }, 'detector state not saved at rebalance'));
  }

  /**
   * After a rebalance Kafka redelivers every partition from its last commit — also the
   * partitions this processor kept, whose latest batches may still be in the writer. So
   * before any partition is read again: this processor's own pending rows are stored (or,
   * for partitions lost, dropped), partitions taken over wait for the other processors'
   * inserts, and the watermarks are read afresh.
   */
  private onAssigned(assignment: Record<string, number[]>): void {
    const { gained, lost } = this.ownership.assign(assignment);
    this.watermarks.clear();
    this.ahead.reset();
    this.detectors?.assign(Object.entries(assignment).flatMap(([topic, ps]) => ps.map((p) => `${topic}/${p}`)));
    if (lost.length > 0) {
      void this.detectors
        ?.releasePartitions((r) => this.ownership.owns(r.topic, r.partition), this.queryId('detector_state'))
        .catch((err) => this.log.warn({ err: errorMessage(err) }, 'detector state of lost partitions not saved'));
    }
    this.assigned = this.afterAssignment(gained);
    this.assigned.catch(() => {}); // awaited by every batch of this generation
    this.log.info(
      { generation: this.ownership.generation, gained: gained.length, lost: lost.length },
      'partitions assigned',
    );
  }

  private async afterAssignment(gained: PartitionRef[]): Promise<void> {
    await this.writer.drain();
    if (gained.length > 0) await this.prepareTakeover(gained);
  }

  /** Before reading partitions taken over: other processors' inserts settled, then their detector state loaded. */
  private async prepareTakeover(gained: PartitionRef[]): Promise<void> {
    const { waitedFor } = await this.untilDone('waiting for other processors’ inserts', () =>
      waitForOtherInserts(this.clickhouse, this.id, this.servers),
    );
    this.stats.takeoverWaits += waitedFor;
    this.log.debug({ partitions: gained.length, waitedFor }, 'other processors’ inserts settled');
    const detectors = this.detectors;
    if (!detectors) return;
    const byTopic = new Map<string, number[]>();
    for (const p of gained) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    for (const [topic, partitions] of byTopic)
      await this.untilDone('loading detector state', () => detectors.loadPartitions(topic, partitions));
  }

  /** Storage has room again (the in-flight rows are below half the bound and no insert is stuck). */
  private storageCaughtUp(): boolean {
    return this.writer.unstoredMessages <= this.opts.maxUnstoredMessages / 2 && this.writer.pendingForMs() < STALL_MS;
  }

  /** Seeks every partition read ahead back to its first unstored message, once storage caught up and its watermarks are known. */
  private rewindCaughtUp(): void {
    if (this.stopping || this.ahead.partitionsBehind === 0 || !this.storageCaughtUp()) return;
    for (const tp of this.ahead.behind()) {
      const at = tp.lastIndexOf('/');
      const topic = tp.slice(0, at);
      const partition = Number(tp.slice(at + 1));
      if (!this.watermarks.has(tp) || !this.ownership.owns(topic, partition)) continue;
      const offset = this.ahead.takeRewind(tp)!;
      try {
        this.consumer.seek({ topic, partition, offset });
        this.log.info({ topic, partition }, 'storage caught up; storing what was read ahead');
      } catch (err) {
        this.ahead.markBehind(tp, offset); // not running yet or any more: the next batch or check tries again
        this.log.debug({ topic, partition, err: errorMessage(err) }, 'rewind deferred');
      }
    }
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
    const { topic, partition } = batch;
    const tp = partitionKey({ topic, partition });
    const generation = this.ownership.generation;
    const wm = await this.watermarks.orNull(topic, partition);
    // A rebalance happened meanwhile: Kafka delivers this batch again in the new assignment,
    // after the writer has stored what it holds; adding it now would store it twice.
    // (From here to writer.add nothing waits, so no rebalance can slip in between.)
    if (generation !== this.ownership.generation || !isRunning() || isStale()) return;
    if (this.ahead.isBehind(tp) && wm && this.storageCaughtUp()) {
      // Storage caught up: read this partition again from its first unstored message.
      this.consumer.seek({ topic, partition, offset: this.ahead.takeRewind(tp)! });
      this.log.info({ topic, partition }, 'storage caught up; storing what was read ahead');
      return;
    }
    if (!wm || this.ahead.isBehind(tp) || this.storageStalled()) {
      if (!this.ahead.isBehind(tp))
        this.log.warn(
          { topic, partition, unstored: this.writer.unstoredMessages },
          'ClickHouse stalled: detecting ahead of storage; rows are stored when it answers',
        );
      this.ahead.markBehind(tp, batch.firstOffset()!);
      await this.detectOnly(payload, wm);
      resolveOffset(batch.lastOffset()); // fetch on; nothing is committed past the rewind point
      this.stats.readAhead++;
      return;
    }
    await this.store(payload, wm, generation);
  }

  /** Runs the detectors on a batch that is not stored now, and publishes their alerts. */
  private async detectOnly({ batch, heartbeat }: EachBatchPayload, wm: PartitionWatermarks | null): Promise<void> {
    const { topic, partition } = batch;
    const handler = handlerFor(topic);
    const detectors = this.detectors;
    if (!handler || !detectors) return;
    const tp = partitionKey({ topic, partition });
    const alerts: AlertEventV1[] = [];
    for (const m of batch.messages) {
      const offset = Number(m.offset);
      // Already stored (known watermarks): seen by the detectors when it was stored.
      if (wm && handler.tables.every((t) => offset <= (wm.get(t) ?? -1))) continue;
      if (!this.ahead.firstSight(tp, m.offset)) continue;
      const decoded = decode(handler, m.value);
      if (!decoded.ok) continue; // dead-lettered when the partition is read again for storage
      const message = decoded.message as { ts: number };
      alerts.push(...detectors.observe(handler.detectorTopic, message, message.ts, { topic, partition }));
    }
    // These messages will not be offered to the detectors again: publish retries until Kafka has them.
    const beat = setInterval(() => void heartbeat().catch(() => {}), 3000);
    try {
      await this.untilDone('publishing alert events', () => detectors.publish(alerts));
    } finally {
      clearInterval(beat);
    }
  }

  private async store(
    { batch, heartbeat, resolveOffset }: EachBatchPayload,
    wm: PartitionWatermarks,
    generation: number,
  ): Promise<void> {
    const { topic, partition } = batch;
    const handler = handlerFor(topic);
    const tp = partitionKey({ topic, partition });
    const rows: TableRows = new Map();
    const sources = new Map<string, SourceMessage>();
    const letters: DeadLetterV1[] = [];
    const alerts: AlertEventV1[] = [];
    let skipped = 0;

    for (const m of batch.messages) {
      const offset = Number(m.offset);
      const src = { topic, partition, offset: m.offset, key: m.key, value: m.value };
      if (!handler) {
        letters.push(deadLetter(src, `no handler for topic ${topic}`));
        continue;
      }
      const decoded = decode(handler, m.value);
      if (!decoded.ok) {
        letters.push(deadLetter(src, decoded.reason));
        continue;
      }
      let tableRows: TableRows;
      try {
        tableRows = handler.toRows(decoded.message, { topic, partition, offset });
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
      if (fresh) sources.set(sourceKey(partition, offset), src);
      // Detectors see each message once: a replay of what is already stored does not re-alert,
      // nor does storing what was read ahead of storage (detect-ahead.ts).
      if (fresh && this.detectors && this.ahead.firstSight(tp, m.offset))
        alerts.push(
          ...this.detectors.observe(handler.detectorTopic, decoded.message, (decoded.message as { ts: number }).ts, {
            topic,
            partition,
          }),
        );
    }

    // Alerts go out now, in parallel with the flush filling up: chat should not wait for
    // storage. The flush waits for them before storing these rows (see the file comment).
    const detectors = this.detectors;
    const published =
      detectors && alerts.length > 0
        ? this.untilDone('publishing alert events', () => detectors.publish(alerts))
        : undefined;
    published?.catch(() => {}); // awaited by the flush
    const last = batch.lastOffset();
    const count = batch.messages.length;
    const lastTs = Number(batch.messages[count - 1]!.timestamp);

    // Runs inside the flush, after the insert: only then is the batch done.
    const afterStore = async () => {
      // Not owned throughout since this batch was read: its rows may have been left out of the
      // insert, or stored by another owner too. Nothing is committed; whoever owns it now
      // reads it again from the last commit, and the watermarks skip what is stored.
      if (!this.ownership.ownedSince(topic, partition, generation)) return;
      await this.untilDone('sending dead letters', () => sendDeadLetters(this.producer, letters));
      for (const [table, list] of rows) {
        const max = list.reduce((m, r) => Math.max(m, Number(r.kafka_offset)), -1);
        if (max > (wm.get(table) ?? -1)) wm.set(table, max);
      }
      try {
        await this.consumer.commitOffsets([{ topic, partition, offset: String(BigInt(last) + 1n) }]);
        this.stats.lastCommitAt = Date.now();
      } catch (err) {
        // Harmless: the messages are stored; a redelivery is skipped by the watermarks.
        this.log.warn(
          { topic, partition, err: errorMessage(err) },
          'offset commit failed; will be redelivered and skipped',
        );
      }
      await detectors
        ?.persist(this.queryId('detector_state'))
        .catch((err) =>
          this.log.warn({ err: errorMessage(err) }, 'detector state not saved; retried with the next flush'),
        );
      this.stats.messages += count;
      this.stats.deadLetters += letters.length;
      this.stats.skippedAlreadyStored += skipped;
      if (!this.stats.lastMessageTs || lastTs > this.stats.lastMessageTs) this.stats.lastMessageTs = lastTs;
      if (letters.length > 0)
        this.log.warn(
          { topic, partition, count: letters.length, firstReason: letters[0]!.reason },
          'messages sent to the dead-letter topic',
        );
    };
    const stored = this.writer.add(
      { rows, generation, messages: count, sources, before: published ? () => published : undefined },
      afterStore,
    );
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

  private queryId(what: string): string {
    return `${INSERT_QUERY_PREFIX}${this.id}:${what}:${++this.persists}`;
  }

  /** Retries `work` with backoff until it succeeds; gives up only when the processor stops. */
  private untilDone<T>(what: string, work: () => Promise<T>): Promise<T> {
    return retry(work, {
      backoff: RETRY_BACKOFF,
      stopWhen: () => this.stopping,
      onFailure: ({ reason }) => (this.writer.stats.lastError = { at: Date.now(), message: `${what}: ${reason}` }),
      onRetry: ({ attempt, reason, delayMs, worthLogging }) => {
        if (worthLogging) this.log.warn({ err: reason, attempt, retryInMs: delayMs }, `${what} failed; retrying`);
      },
    });
  }
}

function partitionKey(p: PartitionRef): string {
  return `${p.topic}/${p.partition}`;
}
