// Runs the detectors over the messages the processor has just validated, keeps their
// per-subject state, and publishes alert events to the alerts topic at once — without
// waiting for the insert, because a failover alert should reach chat within seconds. Once
// a second it also lets clock-driven detectors decide (tick: a digest due, samples that
// stopped arriving) and, every `watchdog.everyMs`, publishes a watchdog event: the alert
// manager turns it into the optional heartbeat message, so a redscope that went silent is
// noticed.
//
// State has one owner at a time: the processor that owns the Kafka partition a subject's
// messages arrive on. Each state remembers that partition; when Kafka hands the processor
// partitions it loads their states (loadPartitions), when it takes them away the states
// are saved and dropped (releasePartitions). States are saved after each flush and when a
// rebalance starts, so the next owner starts from where this one stopped.
import { hostname } from 'node:os';
import type { Producer } from 'kafkajs';
import type { DetectorsConfig } from '../../common/config-detectors.ts';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { errorMessage } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { retry, type Backoff } from '../../common/retry.ts';
import { TOPICS, WATCHDOG_RULE, type AlertEventV1 } from '../../contracts/index.ts';
import type { Detector } from './detector.ts';
import { loadStates, loadStatesSql, saveStates, type StateRoute, type StoredState } from './state-store.ts';
import { watchdogEvent } from './watchdog.ts';

// Hints are worth a little delay, not much: a failover alert should reach chat within
// seconds, and the hint queries use the primary key, so they normally take milliseconds.
const ENRICH_TIMEOUT_MS = 400;
/** Alert events are sent until Kafka takes them (or the runner stops): 200 ms doubling to 5 s. */
const PUBLISH_BACKOFF: Backoff = { initialMs: 200, maxMs: 5000, jitter: 0 };
const TICK_EVERY_MS = 1000;

export class DetectorRunner {
  private readonly states = new Map<string, StoredState>();
  private readonly dirty = new Set<string>();
  private readonly active: Detector[];
  private assigned: ReadonlySet<string> | undefined;
  private assignedSinceMs = Date.now();
  private ticker: NodeJS.Timeout | null = null;
  private lastWatchdogMs = 0;
  private newestSampleMs = 0;
  private observedSinceWatchdog = 0;
  private sending: Promise<void> = Promise.resolve();
  private stopped = false;
  readonly stats = { observed: 0, events: 0, failures: 0, ticks: 0 };

  constructor(
    detectors: readonly Detector[],
    private readonly settings: DetectorsConfig,
    private readonly producer: Producer,
    private readonly clickhouse: ClickHouseClient,
    private readonly database: string,
    private readonly log: Logger,
  ) {
    this.active = detectors.filter((d) => d.enabled(settings));
  }

  private legacyLoaded = false;

  /** Loads the states of subjects routed to these partitions (and, the first time, rows from before routes). */
  async loadPartitions(topic: string, partitions: readonly number[]): Promise<void> {
    const legacy = !this.legacyLoaded;
    const loaded = await loadStates(this.clickhouse, loadStatesSql(this.database, { topic, partitions }, legacy));
    this.legacyLoaded = true;
    // A state this processor changed since (not yet saved) is newer than what is stored.
    for (const s of loaded)
      if (!this.dirty.has(key(s.detector, s.subject))) this.states.set(key(s.detector, s.subject), s);
  }

  /** Saves, then forgets, the states of partitions this processor no longer owns. */
  async releasePartitions(owned: (route: StateRoute) => boolean, queryId?: string): Promise<void> {
    await this.persist(queryId);
    for (const [k, s] of this.states) if (s.route && !owned(s.route)) this.states.delete(k);
  }

  /** Runs every detector interested in `topic`; a detector that throws is contained and counted. */
  observe(topic: string, message: unknown, ts: number, route?: StateRoute): AlertEventV1[] {
    const events: AlertEventV1[] = [];
    const receivedMs = Date.now();
    const source = route === undefined ? undefined : `${route.topic}/${route.partition}`;
    for (const d of this.active) {
      if (!d.topics.includes(topic)) continue;
      try {
        const subject = d.subject(message);
        if (subject === undefined) continue;
        const k = key(d.name, subject);
        const before = this.states.get(k)?.state;
        const { state, events: out } = d.observe(message, before, {
          now: ts,
          settings: this.settings,
          receivedMs,
          source,
        });
        // A detector that returns its state object unchanged has nothing new to persist
        // (memory-forecast keeps one point per 5 min, not one per INFO sample).
        const prev = this.states.get(k);
        if (
          state !== before ||
          !prev ||
          prev.route?.topic !== route?.topic ||
          prev.route?.partition !== route?.partition
        ) {
          this.states.set(k, { detector: d.name, subject, state, route });
          this.dirty.add(k);
        }
        events.push(...out);
      } catch (err) {
        this.stats.failures++;
        this.log.error({ detector: d.name, err: errorMessage(err) }, 'detector failed on a message; skipped');
      }
    }
    this.stats.observed++;
    this.observedSinceWatchdog++;
    if (ts > this.newestSampleMs) this.newestSampleMs = ts;
    return events;
  }

  /** The processor's partitions after a rebalance (`topic/partition`): clock-driven detectors watch only what reaches them. */
  assign(topicPartitions: Iterable<string>, atMs = Date.now()): void {
    this.assigned = new Set(topicPartitions);
    this.assignedSinceMs = atMs;
  }

  /** Runs every clock-driven detector over its states. */
  tick(nowMs: number): AlertEventV1[] {
    const events: AlertEventV1[] = [];
    const ctx = { now: nowMs, settings: this.settings, assigned: this.assigned, assignedSinceMs: this.assignedSinceMs };
    for (const d of this.active) {
      if (!d.tick) continue;
      for (const [k, s] of this.states) {
        if (s.detector !== d.name || s.state === undefined || s.state === null) continue;
        try {
          const { state, events: out } = d.tick(s.state, ctx);
          if (state !== s.state || out.length > 0) {
            this.states.set(k, { ...s, state });
            this.dirty.add(k);
          }
          events.push(...out);
        } catch (err) {
          this.stats.failures++;
          this.log.error({ detector: d.name, err: errorMessage(err) }, 'detector failed on a tick; skipped');
        }
      }
    }
    this.stats.ticks++;
    return events;
  }

  /** Ticks once a second and publishes what the ticks (and the watchdog) say. */
  startTicking(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => {
      const now = Date.now();
      const events = this.tick(now);
      if (now - this.lastWatchdogMs >= this.settings.watchdog.everyMs) {
        events.push(
          watchdogEvent({
            nowMs: now,
            processor: hostname(),
            observed: this.observedSinceWatchdog,
            sinceMs: this.lastWatchdogMs || now,
            newestSampleMs: this.newestSampleMs,
          }),
        );
        this.lastWatchdogMs = now;
        this.observedSinceWatchdog = 0;
      }
      if (events.length > 0)
        void this.publish(events).catch((err) =>
          this.log.warn({ err: errorMessage(err), events: events.length }, 'publishing tick events failed'),
        );
    }, TICK_EVERY_MS);
    this.ticker.unref();
  }

  stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /**
   * Enriches (bounded by a timeout) and publishes events, keyed by fingerprint. Sends go
   * out one after another in the order they were asked for — a failover's firing before
   * its resolved, even when two partitions' batches publish at once — and each is retried
   * until Kafka takes it (or the runner stops): never left to wait for a ClickHouse insert.
   */
  publish(events: readonly AlertEventV1[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const enriched = Promise.all(events.map((e) => this.enrich(e)));
    const sent = this.sending.then(async () => this.sendUntilDone(await enriched));
    this.sending = sent.catch(() => {});
    return sent;
  }

  /** Stops retrying sends (at shutdown): what is not sent is published again after the restart (uncommitted). */
  stopPublishing(): void {
    this.stopped = true;
  }

  private async sendUntilDone(events: AlertEventV1[]): Promise<void> {
    await retry(
      () =>
        this.producer.send({
          topic: TOPICS.alerts,
          acks: -1,
          messages: events.map((e) => ({ key: e.fingerprint, value: JSON.stringify(e) })),
        }),
      {
        backoff: PUBLISH_BACKOFF,
        stopWhen: () => this.stopped,
        // Every failure is logged: alerts waiting is worth a line each time.
        onRetry: ({ reason, delayMs }) =>
          this.log.warn(
            { err: reason, events: events.length, retryInMs: delayMs },
            'publishing alert events failed; retrying',
          ),
      },
    );
    this.stats.events += events.length;
    for (const e of events)
      if (e.rule !== WATCHDOG_RULE)
        this.log.info({ rule: e.rule, status: e.status, cluster: e.cluster, instance: e.instance }, e.summary);
  }

  /** Saves the states changed since the last call. */
  async persist(queryId?: string): Promise<void> {
    const changed = [...this.dirty].map((k) => this.states.get(k)!).filter(Boolean);
    this.dirty.clear();
    try {
      await saveStates(this.clickhouse, this.database, changed, queryId);
    } catch (err) {
      for (const s of changed) this.dirty.add(key(s.detector, s.subject)); // try again next time
      throw err;
    }
  }

  private async enrich(event: AlertEventV1): Promise<AlertEventV1> {
    const d = this.active.find((x) => x.name === event.rule);
    if (!d?.enrich) return event;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<AlertEventV1>(
      (resolve) => (timer = setTimeout(() => resolve(event), ENRICH_TIMEOUT_MS)),
    );
    try {
      return await Promise.race([
        d.enrich(event, { clickhouse: this.clickhouse, database: this.database }).catch(() => event),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function key(detector: string, subject: string): string {
  return `${detector}\u0000${subject}`;
}
