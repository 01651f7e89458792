// Chat delivery: one member of the `alerts.deliveryGroupId` consumer group on the outbox
// (TOPICS.notifications, keyed by receiver, so one receiver's messages stay in order).
//
// Per message, in offset order: skip it if this process already sent its id, or if
// alert_deliveries has an outcome for it (a replay, or a message the manager produced
// twice) — asked of ClickHouse with a short time limit, because delivery must not wait
// on storage: when ClickHouse does not answer in time, only this process's memory of what
// it sent guards against a repeat. Otherwise send it with retries and backoff until the
// notifier says ok or fail — however long the endpoint is down, heartbeating meanwhile —
// then commit its offset, and queue the outcome for ClickHouse (write-behind.ts), where
// it lands when ClickHouse answers. Stopping (or losing the partition) while retrying
// leaves the offset uncommitted: the next owner sends it. A crash after the endpoint
// accepted a message but before its offset was committed sends that one message again:
// at-least-once.
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { AlertsConfig } from '../common/config-alerts.ts';
import { redactUrl, type Logger } from '../common/log.ts';
import { NotificationV1, TOPICS, validator } from '../contracts/index.ts';
import { deliver, deliveryRecord, type DeliveryOutcome } from './deliver-one.ts';
import { AbortedError, type Backoff } from '../common/retry.ts';
import type { AlertStore } from './store.ts';
import type { ReceiverConfig } from './types.ts';
import { WriteBehind } from './write-behind.ts';

const HEARTBEAT_EVERY_MS = 3000;
const STORE_RETRY: Backoff = { initialMs: 200, maxMs: 10_000 };
/** Ids delivered by this process, checked before ClickHouse is asked. */
const RECENT_IDS = 10_000;
/** How long the "already delivered?" question may wait for ClickHouse before delivery goes on without it. */
const SETTLED_CHECK_MS = 1000;
/** After a check that ClickHouse did not answer in time, this long without asking again. */
const SETTLED_RECHECK_MS = 30_000;
/** At stop, how long queued outcomes may take to reach ClickHouse. */
const STOP_DRAIN_MS = 3000;

export interface DeliveryStats {
  delivered: number;
  failed: number;
  skippedAlreadySettled: number;
  invalid: number;
  /** Batches whose ids could not be checked against ClickHouse in time. */
  settledCheckSkipped: number;
  lastDeliveredAt: number | null;
}

const checkNotification = validator(NotificationV1);

export class ChatDelivery {
  readonly stats: DeliveryStats = {
    delivered: 0,
    failed: 0,
    skippedAlreadySettled: 0,
    invalid: 0,
    settledCheckSkipped: 0,
    lastDeliveredAt: null,
  };
  private readonly consumer: Consumer;
  private readonly receivers: Map<string, ReceiverConfig>;
  private readonly recent = new Set<string>();
  private readonly abort = new AbortController();
  private readonly records: WriteBehind;
  private settledCheckFailedAt = 0;
  private joined!: () => void;
  private readonly joinedOnce = new Promise<void>((resolve) => (this.joined = resolve));

  constructor(
    kafka: Kafka,
    private readonly store: AlertStore,
    private readonly log: Logger,
    private readonly config: AlertsConfig,
  ) {
    this.receivers = new Map(config.receivers.map((r) => [r.name, r]));
    this.consumer = kafka.consumer({
      groupId: config.deliveryGroupId,
      maxWaitTimeInMs: 100,
      sessionTimeout: 30_000,
      heartbeatInterval: HEARTBEAT_EVERY_MS,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.joined());
    this.records = new WriteBehind({
      name: 'chat delivery',
      policy: STORE_RETRY,
      log,
      write: (r) => this.store.write(r),
    });
  }

  /** Delivery outcomes waiting for ClickHouse. */
  get recordsPending(): number {
    return this.records.pending;
  }

  async start(joinTimeoutMs = 30_000): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [TOPICS.notifications], fromBeginning: true });
    // Partitions are worked on concurrently, so a receiver that is down (its partition
    // retrying) does not hold up receivers whose messages are in other partitions.
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 16,
      eachBatch: (p) => this.onBatch(p),
    });
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), joinTimeoutMs).unref());
    if ((await Promise.race([this.joinedOnce, timeout])) === 'timeout')
      this.log.warn({ groupId: this.config.deliveryGroupId }, 'chat delivery has not joined its consumer group yet');
  }

  /** Aborts retries in progress (their messages stay uncommitted) and leaves the group. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.consumer.disconnect();
    if (!(await this.records.drain(STOP_DRAIN_MS)))
      this.log.warn({ pending: this.records.pending }, 'delivery outcomes not yet in ClickHouse at stop; dropped');
    this.records.stop();
  }

  private async onBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    // Stop retrying when the process stops or the partition moves to another member.
    const lost = new AbortController();
    const signal = AbortSignal.any([this.abort.signal, lost.signal]);
    const beat = setInterval(() => {
      if (!isRunning() || isStale()) lost.abort();
      else void heartbeat().catch(() => lost.abort());
    }, HEARTBEAT_EVERY_MS);
    try {
      const decoded = batch.messages.map((m) => ({ m, n: this.decode(m) }));
      const ids = decoded.flatMap(({ n }) => (n && !this.recent.has(n.id) ? [n.id] : []));
      const settled = await this.settledIds(ids);
      for (const { m, n } of decoded) {
        if (signal.aborted) return;
        if (n && (this.recent.has(n.id) || settled.has(n.id))) this.stats.skippedAlreadySettled++;
        else if (n) await this.send(n, signal);
        resolveOffset(m.offset);
        await this.consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: String(BigInt(m.offset) + 1n) },
        ]);
      }
    } catch (err) {
      if (err instanceof AbortedError) return; // uncommitted: sent by whoever owns the partition next
      throw err;
    } finally {
      clearInterval(beat);
    }
  }

  /** Ids that already have an outcome, as far as ClickHouse can tell within SETTLED_CHECK_MS. */
  private async settledIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    // ClickHouse just failed to answer: do not make every message of the outage wait again.
    if (Date.now() - this.settledCheckFailedAt < SETTLED_RECHECK_MS) {
      this.stats.settledCheckSkipped++;
      return new Set();
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((r) => (timer = setTimeout(() => r(null), SETTLED_CHECK_MS)));
    try {
      const found = await Promise.race([this.store.settledIds(ids).catch(() => null), timeout]);
      if (found) return found;
    } finally {
      clearTimeout(timer);
    }
    this.stats.settledCheckSkipped++;
    this.settledCheckFailedAt = Date.now();
    this.log.warn(
      { messages: ids.length },
      'ClickHouse did not say in time which outbox messages were already delivered; sending, guarded by this process’s memory only',
    );
    return new Set();
  }

  private decode(m: KafkaMessage): NotificationV1 | null {
    let parsed: unknown;
    try {
      parsed = JSON.parse(m.value?.toString('utf8') ?? '');
    } catch {
      parsed = undefined;
    }
    const checked = checkNotification(parsed);
    if (checked.ok) return checked.value;
    // Nothing to send it with; it stays in the topic for inspection.
    this.stats.invalid++;
    this.log.error(
      {
        offset: m.offset,
        key: m.key?.toString('utf8') ?? null,
        reason: parsed === undefined ? 'not JSON' : checked.reason,
      },
      'unreadable message in the notification outbox; skipped',
    );
    return null;
  }

  private async send(n: NotificationV1, signal: AbortSignal): Promise<void> {
    const receiver = this.receivers.get(n.receiver) ?? null;
    const outcome: DeliveryOutcome = receiver
      ? await deliver(n, receiver, {
          policy: { initialMs: this.config.retryInitialMs, maxMs: this.config.retryMaxMs },
          timeoutMs: this.config.requestTimeoutMs,
          log: this.log,
          signal,
        })
      : {
          outcome: 'failed',
          attempts: 0,
          httpStatus: 0,
          reason: `no receiver named ${JSON.stringify(n.receiver)} is configured`,
        };
    const nowMs = Date.now();
    this.records.enqueue({ deliveries: [deliveryRecord(n, receiver, outcome, nowMs)] });
    this.remember(n.id);
    const fields = {
      receiver: n.receiver,
      endpoint: receiver ? redactUrl(receiver.url) : null,
      notification: n.id,
      attempts: outcome.attempts,
      latencyMs: nowMs - n.ts,
    };
    if (outcome.outcome === 'ok') {
      this.stats.delivered++;
      this.stats.lastDeliveredAt = nowMs;
      this.log.info(fields, 'alert message delivered');
    } else {
      this.stats.failed++;
      this.log.error(
        { ...fields, httpStatus: outcome.httpStatus, reason: outcome.reason },
        'alert message not delivered: permanent failure',
      );
    }
  }

  private remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value!);
  }
}
