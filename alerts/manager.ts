// The alert manager: one member of the `alerts.managerGroupId` consumer group on
// TOPICS.alerts. Events are keyed by fingerprint, so each fingerprint belongs to exactly
// one partition and therefore one manager, which alone decides its messages.
//
// Order of operations, and why:
// 1. On each partition assignment the lifecycle states of that partition are loaded
//    from ClickHouse (alert_state FINAL), before any of its events are applied. This is
//    the one step that waits for ClickHouse: without the states, a replay would announce
//    again what was already sent. (A manager that joins while ClickHouse is down waits.)
// 2. A batch of events is applied to the states in memory (lifecycle.ts), and the
//    transitions and changed states are queued for ClickHouse (write-behind.ts) together
//    with the batch's offset, which is committed once they are stored. Nothing waits:
//    the next batch and the flush go on while ClickHouse is slow or down.
// 3. A timer composes the messages that are due (compose.ts), produces them to the
//    outbox (TOPICS.notifications, acks=all), marks the states notified in memory and
//    queues those records. A crash before the records are stored replays the events
//    since the last commit: the lifecycle applies them again and composes the same
//    messages with the same ids (ids come from detector times), and delivery sends an
//    id once. So a message owed is never lost, and one already sent is not sent again
//    (except in delivery's own narrow window, see outbox-consumer.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { AlertsConfig } from '../common/config-alerts.ts';
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import { TOPICS, WATCHDOG_RULE, type DeadLetterV1, type NotificationV1 } from '../contracts/index.ts';
import { compose, type SilencedItem } from './compose.ts';
import { deadLetter, decodeAlertEvent } from './decode-event.ts';
import { Heartbeat } from './heartbeat.ts';
import { AbortedError, retry, type Backoff } from '../common/retry.ts';
import { OwnedStates, type StateCounts } from './owned-states.ts';
import { ActiveSilences } from './silences.ts';
import { historyRow, stateRow, type AlertStore, type HistoryRow, type OwnedState } from './store.ts';
import { WriteBehind } from './write-behind.ts';

/** The longest the manager sleeps, whatever the plan says (a safety net against clock jumps). */
const MAX_SLEEP_MS = 30_000;
/** Backoff for ClickHouse and Kafka writes that fail: an outage delays records, never drops them. */
const STORE_RETRY: Backoff = { initialMs: 200, maxMs: 10_000 };
const HEARTBEAT_EVERY_MS = 3000;
/** Silences are read this often; a new one takes effect within this time. */
const SILENCE_POLL_MS = 5000;
/** At stop, how long queued records may take to reach ClickHouse before they are left to a replay. */
const STOP_DRAIN_MS = 5000;

export interface ManagerStats extends StateCounts {
  events: number;
  invalid: number;
  notifications: number;
  /** States in memory, as of the last batch or flush. */
  states: number;
  /** Alert records waiting for ClickHouse, as of the last batch or flush. */
  recordsPending: number;
  lastFlushAt: number | null;
}

export class AlertManager {
  private readonly counts: Omit<ManagerStats, keyof StateCounts> = {
    events: 0,
    invalid: 0,
    notifications: 0,
    states: 0,
    recordsPending: 0,
    lastFlushAt: null,
  };
  private readonly consumer: Consumer;
  private readonly states: OwnedStates;
  /** Partition → its states are being loaded (or are loaded) for the current assignment. */
  private loads = new Map<number, Promise<void>>();
  private generation = 0;
  /** Group key → when its last message went out (group intervals are timed from it). */
  private readonly lastFlushMs = new Map<string, number>();
  private readonly silences = new ActiveSilences();
  private readonly records: WriteBehind;
  private readonly heartbeat: Heartbeat;
  private lock: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private timerAtMs = Infinity;
  private silenceTimer: NodeJS.Timeout | null = null;
  private stopping = false;
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
    this.states = new OwnedStates(config);
    this.heartbeat = new Heartbeat(config);
    this.records = new WriteBehind({
      name: 'alert manager',
      policy: STORE_RETRY,
      log,
      write: (r) => this.store.write(r),
      commit: async (offsets) => {
        const current = offsets.filter((o) => o.generation === this.generation);
        if (current.length > 0)
          await this.consumer.commitOffsets(
            current.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
          );
      },
    });
  }

  /** Resolves once the consumer has joined its group (or after `joinTimeoutMs`), so callers know events will be seen. */
  async start(joinTimeoutMs = 30_000): Promise<void> {
    // Silences first (bounded): a silenced failover right after a restart must stay silent.
    await Promise.race([this.reloadSilences(), sleep(10_000, undefined, { ref: false })]);
    this.silenceTimer = setInterval(() => void this.reloadSilences(), SILENCE_POLL_MS);
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [TOPICS.alerts], fromBeginning: true });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onBatch(p) });
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), joinTimeoutMs).unref());
    if ((await Promise.race([this.joinedOnce, timeout])) === 'timeout')
      this.log.warn({ groupId: this.config.managerGroupId }, 'alert manager has not joined its consumer group yet');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.timer = null;
    await this.lock.catch(() => {});
    // Commits need the consumer: let queued records land (and their offsets commit) first.
    if (!(await this.records.drain(STOP_DRAIN_MS)))
      this.log.warn(
        { pending: this.records.pending },
        'alert records not yet in ClickHouse at stop; their events are replayed from Kafka at the next start',
      );
    this.abort.abort();
    this.records.stop();
    await this.consumer.disconnect();
  }

  /** Counters for tests and health: a snapshot, read afresh each time. */
  get stats(): ManagerStats {
    return { ...this.counts, ...this.states.counts };
  }

  /** The silences in force, as last read (for tests and health). */
  get silenceCount(): number {
    return this.silences.size;
  }

  /** Reads silences now; keeps the last good list when ClickHouse does not answer. */
  async reloadSilences(): Promise<void> {
    try {
      this.silences.replace(await this.store.openSilences(Date.now()));
      this.wake(Date.now());
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'reading silences failed; keeping the last ones read');
    }
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
    this.loads = new Map();
    for (const p of partitions) void this.ensureLoaded(p).catch(() => {});
    this.log.info({ partitions }, 'alert manager assigned partitions');
  }

  private ensureLoaded(partition: number): Promise<void> {
    let load = this.loads.get(partition);
    if (load) return load;
    const generation = this.generation;
    load = retry(() => this.store.loadStates([partition]), {
      backoff: STORE_RETRY,
      signal: this.abort.signal,
      onRetry: (i) => this.log.warn({ partition, reason: i.reason }, 'loading alert state failed; retrying'),
    }).then((value) => {
      if (generation !== this.generation) return;
      this.states.loaded(partition, value.states);
      if (value.unreadable)
        this.log.warn({ partition, unreadable: value.unreadable }, 'alert states that do not parse were skipped');
      this.wake(Date.now());
    });
    this.loads.set(partition, load);
    return load;
  }

  private async onBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale() || this.stopping) return;
    const generation = this.generation;
    await this.withHeartbeat(heartbeat, () => this.ensureLoaded(batch.partition));
    if (generation !== this.generation || !isRunning() || isStale() || this.stopping) return;

    await this.exclusive(async () => {
      if (generation !== this.generation) return; // reassigned while waiting: the new owner replays from the last commit
      const nowMs = Date.now();
      const history: HistoryRow[] = [];
      const changed = new Map<string, OwnedState>();
      const letters: DeadLetterV1[] = [];
      for (const m of batch.messages) {
        const decoded = decodeAlertEvent(m.value);
        if (!decoded.ok) {
          this.counts.invalid++;
          letters.push(deadLetter(batch.topic, batch.partition, m, decoded.reason));
          continue;
        }
        const event = decoded.value;
        this.counts.events++;
        if (event.rule === WATCHDOG_RULE) {
          this.heartbeat.noteWatchdog(event, nowMs);
          continue;
        }
        const { state: owned, transition } = this.states.apply(event, batch.partition, nowMs);
        if (transition !== 'stale' && transition !== 'duplicate') changed.set(owned.fingerprint, owned);
        if (transition === 'fired') history.push(historyRow(owned, 'fired', event.ts));
        if (transition === 'resolved' || transition === 'resolved-unknown')
          history.push(historyRow(owned, 'resolved', event.ts));
        if (transition === 'follow-up') history.push(historyRow(owned, 'follow-up', event.ts));
      }
      if (letters.length > 0)
        await this.withHeartbeat(heartbeat, () =>
          this.retryKafka(() =>
            this.producer.send({
              topic: TOPICS.deadLetter,
              acks: -1,
              messages: letters.map((l) => ({ key: l.source.key, value: JSON.stringify(l) })),
            }),
          ),
        );
      const beat = this.heartbeat.due(nowMs, this.states.firing());
      if (beat) await this.withHeartbeat(heartbeat, () => this.sendHeartbeat(beat));
      const last = batch.lastOffset();
      resolveOffset(last);
      this.records.enqueue(
        { history, states: [...changed.values()].map((s) => stateRow(s, nowMs)) },
        { topic: batch.topic, partition: batch.partition, offset: String(BigInt(last) + 1n), generation },
      );
      this.counts.states = this.states.size;
      this.counts.recordsPending = this.records.pending;
    });
    this.wake(Date.now());
  }

  private async sendHeartbeat(n: NotificationV1): Promise<void> {
    await this.retryKafka(() =>
      this.producer.send({
        topic: TOPICS.notifications,
        acks: -1,
        messages: [{ key: n.receiver, value: JSON.stringify(n) }],
      }),
    );
    this.log.info({ receiver: n.receiver, notification: n.id }, 'heartbeat message queued for delivery');
  }

  private async retryKafka<T>(fn: () => Promise<T>): Promise<T> {
    return retry(fn, {
      backoff: STORE_RETRY,
      signal: this.abort.signal,
      onRetry: (i) => this.log.warn({ reason: i.reason, retryInMs: i.delayMs }, 'Kafka produce failed; retrying'),
    });
  }

  /** Keeps the group membership alive while waiting (state load, Kafka retries). */
  private async withHeartbeat<T>(heartbeat: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
    const beat = setInterval(() => void heartbeat().catch(() => {}), HEARTBEAT_EVERY_MS);
    try {
      return await fn();
    } finally {
      clearInterval(beat);
    }
  }

  private wake(atMs: number): void {
    if (this.abort.signal.aborted || this.stopping) return;
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

  /** Sends what is due: produce to the outbox first, then mark notified (records follow). */
  private async flush(): Promise<void> {
    if (this.stopping) return;
    const nowMs = Date.now();
    const { messages, nextWakeMs, unrouted, silenced } = compose(
      this.states.composable(),
      this.lastFlushMs,
      nowMs,
      this.config,
      this.silences,
    );
    this.logUnrouted(unrouted);
    this.recordSilenced(silenced, nowMs);
    if (messages.length > 0) {
      const generation = this.generation;
      await this.retryKafka(() =>
        this.producer.send({
          topic: TOPICS.notifications,
          acks: -1,
          messages: messages.map((m) => ({ key: m.notification.receiver, value: JSON.stringify(m.notification) })),
        }),
      );
      const history: HistoryRow[] = [];
      const notified: OwnedState[] = [];
      for (const m of messages) {
        const { receiver, id: notificationId } = m.notification;
        for (const next of this.states.sent(m.items, nowMs)) {
          notified.push(next);
          history.push(historyRow(next, 'notified', nowMs, { receiver, notificationId }));
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
      // A rebalance meanwhile hands these fingerprints to a fresh load; do not resurrect them.
      if (generation === this.generation) this.states.keep(notified);
      this.records.enqueue({ history, states: notified.map((s) => stateRow(s, nowMs)) });
      this.counts.notifications += messages.length;
      this.counts.lastFlushAt = nowMs;
    }
    this.forgetIdle(nowMs);
    this.counts.recordsPending = this.records.pending;
    // Sending changed group clocks: compose again for the true next wake-up.
    const next = messages.length > 0 ? Date.now() : nextWakeMs;
    if (next !== null) this.wake(next);
  }

  /** Records what a silence held back (history `silenced`, with the silence id); see OwnedStates.silenced. */
  private recordSilenced(silenced: readonly SilencedItem[], nowMs: number): void {
    if (silenced.length === 0) return;
    const { toRecord, settled } = this.states.silenced(silenced, nowMs);
    const history: HistoryRow[] = [];
    for (const { state: s, item, receiver, silenceId } of toRecord) {
      // Timed by when the message fell due, so a record written again after a restart collapses with the first.
      history.push(historyRow(s, 'silenced', item.dueMs, { receiver, silenceId }));
      this.log.info(
        { fingerprint: s.fingerprint, rule: s.event.rule, cluster: s.event.cluster, silence: silenceId },
        'alert silenced: recorded, not sent',
      );
    }
    this.records.enqueue({ history, states: settled.map((s) => stateRow(s, nowMs)) });
  }

  private logUnrouted(unrouted: readonly string[]): void {
    for (const s of this.states.unrouted(unrouted))
      this.log.info(
        { fingerprint: s.fingerprint, rule: s.event.rule, cluster: s.event.cluster, severity: s.event.severity },
        'no route matches this alert; recorded but not sent',
      );
  }

  private forgetIdle(nowMs: number): void {
    this.states.forgetIdle(nowMs);
    for (const [key, at] of this.lastFlushMs)
      if (nowMs - at > this.config.groupIntervalMs) this.lastFlushMs.delete(key);
    this.counts.states = this.states.size;
  }
}
