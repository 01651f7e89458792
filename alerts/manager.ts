// The alert manager: one member of the `alerts.managerGroupId` consumer group on
// TOPICS.alerts. Events are keyed by fingerprint, so each fingerprint belongs to exactly
// one partition and therefore one manager, which alone decides its messages.
//
// Order of operations, and why:
// 1. On each partition assignment the lifecycle states of that partition are loaded
//    from ClickHouse (alert_state FINAL), before any of its events are applied.
// 2. A batch of events is applied to the states (lifecycle.ts), the transitions and the
//    changed states are stored, and only then is the offset committed. A crash replays
//    events from the last commit; the lifecycle ignores what it has already applied.
// 3. A timer composes the messages that are due (compose.ts), produces them to the
//    outbox (TOPICS.notifications, acks=all), and then stores the states as notified.
//    A message owed but not yet produced is therefore always recoverable from the stored
//    state; a crash between producing and storing produces it again with the same id,
//    and delivery sends that id once.
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { AlertsConfig } from '../common/config-alerts.ts';
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import { TOPICS, type DeadLetterV1 } from '../contracts/index.ts';
import { compose } from './compose.ts';
import { deadLetter, decodeAlertEvent } from './decode-event.ts';
import { applyEvent, isIdle, markNotified } from './lifecycle.ts';
import { AbortedError, retryThrowing, type BackoffPolicy } from './retry.ts';
import { historyRow, stateRow, type AlertStore, type HistoryRow, type OwnedState } from './store.ts';

/** The longest the manager sleeps, whatever the plan says (a safety net against clock jumps). */
const MAX_SLEEP_MS = 30_000;
/** Backoff for ClickHouse and Kafka writes that fail: an outage delays alerts, never drops them. */
const STORE_RETRY: BackoffPolicy = { initialMs: 200, maxMs: 10_000 };
const HEARTBEAT_EVERY_MS = 3000;

export interface ManagerStats {
  events: number;
  invalid: number;
  stale: number;
  duplicates: number;
  notifications: number;
  states: number;
  lastFlushAt: number | null;
}

export class AlertManager {
  readonly stats: ManagerStats = {
    events: 0,
    invalid: 0,
    stale: 0,
    duplicates: 0,
    notifications: 0,
    states: 0,
    lastFlushAt: null,
  };
  private readonly consumer: Consumer;
  private readonly states = new Map<string, OwnedState>();
  /** Partition → its states are being loaded (or are loaded) for the current assignment. */
  private loads = new Map<number, Promise<void>>();
  private readonly ready = new Set<number>();
  private generation = 0;
  private readonly lastFlushMs = new Map<string, number>();
  private readonly unroutedLogged = new Set<string>();
  private lock: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private timerAtMs = Infinity;
  private readonly abort = new AbortController();
  private joined!: () => void;
  private readonly joinedOnce = new Promise<void>((resolve) => (this.joined = resolve));

  constructor(
    kafka: Kafka,
    private readonly producer: Producer,
    private readonly store: AlertStore,
    private readonly log: Logger,
    private readonly config: AlertsConfig,
  ) {
    // Short fetch waits: an event must become a chat message within about 2 s (failover → chat).
    this.consumer = kafka.consumer({
      groupId: config.managerGroupId,
      maxWaitTimeInMs: 100,
      sessionTimeout: 30_000,
      heartbeatInterval: HEARTBEAT_EVERY_MS,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.assign(e.payload.memberAssignment[TOPICS.alerts] ?? []);
      this.joined();
    });
  }

  /** Resolves once the consumer has joined its group (or after `joinTimeoutMs`), so callers know events will be seen. */
  async start(joinTimeoutMs = 30_000): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [TOPICS.alerts], fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), joinTimeoutMs).unref());
    if ((await Promise.race([this.joinedOnce, timeout])) === 'timeout')
      this.log.warn({ groupId: this.config.managerGroupId }, 'alert manager has not joined its consumer group yet');
  }

  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.consumer.disconnect();
    await this.lock.catch(() => {});
  }

  /** Runs `fn` after everything queued before it: event batches and flushes never interleave. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => {});
    return run;
  }

  /** A new assignment: forget everything and reload the assigned partitions' states. */
  private assign(partitions: number[]): void {
    this.generation++;
    this.states.clear();
    this.ready.clear();
    this.loads = new Map();
    for (const p of partitions) void this.ensureLoaded(p).catch(() => {});
    this.log.info({ partitions }, 'alert manager assigned partitions');
  }

  private ensureLoaded(partition: number): Promise<void> {
    let load = this.loads.get(partition);
    if (load) return load;
    const generation = this.generation;
    load = retryThrowing(() => this.store.loadStates([partition]), {
      policy: STORE_RETRY,
      signal: this.abort.signal,
      onRetry: (i) => this.log.warn({ partition, reason: i.reason }, 'loading alert state failed; retrying'),
    }).then(({ value }) => {
      if (generation !== this.generation) return;
      for (const s of value.states) this.states.set(s.fingerprint, s);
      if (value.unreadable)
        this.log.warn({ partition, unreadable: value.unreadable }, 'alert states that do not parse were skipped');
      this.ready.add(partition);
      this.wake(Date.now());
    });
    this.loads.set(partition, load);
    return load;
  }

  private async onBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const generation = this.generation;
    await this.ensureLoaded(batch.partition);
    if (generation !== this.generation || !isRunning() || isStale()) return;

    await this.exclusive(async () => {
      if (generation !== this.generation) return; // reassigned while waiting: the new owner replays from the last commit
      const nowMs = Date.now();
      const history: HistoryRow[] = [];
      const changed = new Map<string, OwnedState>();
      const letters: DeadLetterV1[] = [];
      for (const m of batch.messages) {
        const decoded = decodeAlertEvent(m.value);
        if (!decoded.ok) {
          this.stats.invalid++;
          letters.push(deadLetter(batch.topic, batch.partition, m, decoded.reason));
          continue;
        }
        const event = decoded.value;
        this.stats.events++;
        const { state, transition } = applyEvent(this.states.get(event.fingerprint), event, nowMs);
        const owned: OwnedState = { ...state, partition: batch.partition };
        this.states.set(owned.fingerprint, owned);
        if (transition === 'stale') this.stats.stale++;
        else if (transition === 'duplicate') this.stats.duplicates++;
        else changed.set(owned.fingerprint, owned);
        if (transition === 'fired') history.push(historyRow(owned, 'fired', event.ts));
        if (transition === 'resolved' || transition === 'resolved-unknown')
          history.push(historyRow(owned, 'resolved', event.ts));
      }
      await this.withHeartbeat(heartbeat, () => this.persist(history, [...changed.values()], nowMs));
      if (letters.length > 0)
        await this.withHeartbeat(heartbeat, () =>
          this.retryWrite(() =>
            this.producer.send({
              topic: TOPICS.deadLetter,
              acks: -1,
              messages: letters.map((l) => ({ key: l.source.key, value: JSON.stringify(l) })),
            }),
          ),
        );
      const last = batch.lastOffset();
      resolveOffset(last);
      await this.consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: String(BigInt(last) + 1n) },
      ]);
      this.stats.states = this.states.size;
    });
    this.wake(Date.now());
  }

  private persist(history: HistoryRow[], states: OwnedState[], nowMs: number): Promise<void> {
    const rows = states.map((s) => stateRow(s, nowMs));
    return this.retryWrite(() => this.store.write(history, rows));
  }

  private async retryWrite<T>(fn: () => Promise<T>): Promise<T> {
    const { value } = await retryThrowing(fn, {
      policy: STORE_RETRY,
      signal: this.abort.signal,
      onRetry: (i) => this.log.warn({ reason: i.reason, retryInMs: i.delayMs }, 'alert manager write failed; retrying'),
    });
    return value;
  }

  /** Keeps the group membership alive while a write waits out an outage. */
  private async withHeartbeat<T>(heartbeat: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
    const beat = setInterval(() => void heartbeat().catch(() => {}), HEARTBEAT_EVERY_MS);
    try {
      return await fn();
    } finally {
      clearInterval(beat);
    }
  }

  private wake(atMs: number): void {
    if (this.abort.signal.aborted) return;
    const at = Math.min(atMs, Date.now() + MAX_SLEEP_MS);
    if (this.timer && this.timerAtMs <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAtMs = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAtMs = Infinity;
        void this.exclusive(() => this.flush()).catch((err) => {
          if (!(err instanceof AbortedError)) this.log.error({ err: errorMessage(err) }, 'alert flush failed');
          this.wake(Date.now() + 1000);
        });
      },
      Math.max(0, at - Date.now()),
    );
  }

  /** Sends what is due: produce to the outbox first, then record as notified. */
  private async flush(): Promise<void> {
    const nowMs = Date.now();
    const owned = [...this.states.values()].filter((s) => this.ready.has(s.partition));
    const { messages, nextWakeMs, unrouted } = compose(owned, this.lastFlushMs, nowMs, this.config);
    if (this.unroutedLogged.size > 10_000) this.unroutedLogged.clear(); // bounded: at worst a line is logged again
    for (const fp of unrouted) {
      if (this.unroutedLogged.has(fp)) continue;
      this.unroutedLogged.add(fp);
      const s = this.states.get(fp)!;
      this.log.info(
        { fingerprint: fp, rule: s.event.rule, cluster: s.event.cluster, severity: s.event.severity },
        'no route matches this alert; recorded but not sent',
      );
    }
    if (messages.length > 0) {
      const generation = this.generation;
      await this.retryWrite(() =>
        this.producer.send({
          topic: TOPICS.notifications,
          acks: -1,
          messages: messages.map((m) => ({ key: m.notification.receiver, value: JSON.stringify(m.notification) })),
        }),
      );
      const history: HistoryRow[] = [];
      const notified: OwnedState[] = [];
      for (const m of messages) {
        for (const item of m.items) {
          const s = this.states.get(item.fingerprint);
          if (!s) continue;
          const next = { ...markNotified(s, item.kind, nowMs), partition: s.partition };
          notified.push(next);
          history.push(
            historyRow(next, 'notified', nowMs, {
              receiver: m.notification.receiver,
              notificationId: m.notification.id,
            }),
          );
        }
        this.lastFlushMs.set(m.groupKey, nowMs);
        this.log.info(
          {
            receiver: m.notification.receiver,
            notification: m.notification.id,
            cluster: m.notification.cluster,
            rule: m.notification.rule,
            alerts: m.items.length,
          },
          'alert message queued for delivery',
        );
      }
      await this.persist(history, notified, nowMs);
      // A rebalance meanwhile hands these fingerprints to a fresh load; do not resurrect them.
      if (generation === this.generation) for (const s of notified) this.states.set(s.fingerprint, s);
      this.stats.notifications += messages.length;
      this.stats.lastFlushAt = nowMs;
    }
    this.forgetIdle(nowMs);
    // Sending changed group clocks: compose again for the true next wake-up.
    const next = messages.length > 0 ? Date.now() : nextWakeMs;
    if (next !== null) this.wake(next);
  }

  private forgetIdle(nowMs: number): void {
    for (const [fp, s] of this.states) if (isIdle(s, nowMs, this.config)) this.states.delete(fp);
    for (const [key, at] of this.lastFlushMs)
      if (nowMs - at > this.config.groupIntervalMs) this.lastFlushMs.delete(key);
    this.stats.states = this.states.size;
  }
}
