// Runs the detectors over the messages the processor has just validated, keeps their
// per-subject state (persisted to ClickHouse after each flush, reloaded at start), and
// publishes alert events to the alerts topic at once — without waiting for the insert,
// because a failover alert should reach chat within seconds.
import type { Producer } from 'kafkajs';
import type { DetectorsConfig } from '../../common/config-detectors.ts';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { errorMessage } from '../../common/errors.ts';
import type { Logger } from '../../common/log.ts';
import { TOPICS, type AlertEventV1 } from '../../contracts/index.ts';
import type { Detector } from './detector.ts';
import { loadStates, saveStates, type StoredState } from './state-store.ts';

// Hints are worth a little delay, not much: a failover alert should reach chat within
// seconds, and the hint queries use the primary key, so they normally take milliseconds.
const ENRICH_TIMEOUT_MS = 400;

export class DetectorRunner {
  private readonly states = new Map<string, StoredState>();
  private readonly dirty = new Set<string>();
  private readonly active: Detector[];
  readonly stats = { observed: 0, events: 0, failures: 0 };

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

  async load(): Promise<void> {
    for (const s of await loadStates(this.clickhouse, this.database)) this.states.set(key(s.detector, s.subject), s);
  }

  /** Runs every detector interested in `topic`; a detector that throws is contained and counted. */
  observe(topic: string, message: unknown, ts: number): AlertEventV1[] {
    const events: AlertEventV1[] = [];
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
        });
        // A detector that returns its state object unchanged has nothing new to persist
        // (memory-forecast keeps one point per 5 min, not one per INFO sample).
        if (state !== before || !this.states.has(k)) {
          this.states.set(k, { detector: d.name, subject, state });
          this.dirty.add(k);
        }
        events.push(...out);
      } catch (err) {
        this.stats.failures++;
        this.log.error({ detector: d.name, err: errorMessage(err) }, 'detector failed on a message; skipped');
      }
    }
    this.stats.observed++;
    return events;
  }

  /** Enriches (bounded by a timeout) and publishes events, keyed by fingerprint. */
  async publish(events: readonly AlertEventV1[]): Promise<void> {
    if (events.length === 0) return;
    const enriched = await Promise.all(events.map((e) => this.enrich(e)));
    await this.producer.send({
      topic: TOPICS.alerts,
      acks: -1,
      messages: enriched.map((e) => ({ key: e.fingerprint, value: JSON.stringify(e) })),
    });
    this.stats.events += events.length;
    for (const e of enriched)
      this.log.info({ rule: e.rule, status: e.status, cluster: e.cluster, instance: e.instance }, e.summary);
  }

  /** Saves the states changed since the last call. */
  async persist(): Promise<void> {
    const changed = [...this.dirty].map((k) => this.states.get(k)!).filter(Boolean);
    this.dirty.clear();
    try {
      await saveStates(this.clickhouse, this.database, changed);
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
