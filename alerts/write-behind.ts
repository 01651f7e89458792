// Alert records (lifecycle states, history, delivery outcomes) written to ClickHouse
// behind the alert path, never in front of it: a failover must reach chat while
// ClickHouse is slow or down, and its records land when ClickHouse answers again.
//
// One queue per process part (manager, delivery). Whatever is queued while a write is in
// flight (or failing) goes in the next write, merged: states keep the highest version per
// fingerprint (the table keeps the highest anyway), history and outcomes are appended.
// A write is retried with backoff until it succeeds or the queue is stopped; then the
// Kafka offsets queued with those rows are committed — so after a crash, events whose
// records never reached ClickHouse are replayed from Kafka, and the lifecycle (plus
// deterministic notification ids, see compose.ts) keeps the replay from sending twice.
//
// Memory: while ClickHouse is down the queue holds every alert change made meanwhile;
// alert volume is small (a few per failover), so this is bounded by the outage, not by
// sample traffic.
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import type { DeliveryRecord } from './deliver-one.ts';
import { AbortedError, retry, type Backoff } from '../common/retry.ts';
import type { HistoryRow, StateRow } from './store.ts';

export interface OffsetToCommit {
  topic: string;
  partition: number;
  /** The next offset to read (last stored + 1). */
  offset: string;
  /** The consumer assignment it belongs to; a stale one is dropped, not committed. */
  generation: number;
}

export interface Records {
  history: HistoryRow[];
  states: StateRow[];
  deliveries: DeliveryRecord[];
}

export interface WriteBehindOptions {
  name: string;
  policy: Backoff;
  write(records: Records): Promise<void>;
  /** Called after the records queued with these offsets are stored. */
  commit?(offsets: OffsetToCommit[]): Promise<void>;
  log: Logger;
  now?: () => number;
}

export class WriteBehind {
  private queued: Records = empty();
  private offsets = new Map<string, OffsetToCommit>();
  private loop: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private failingSinceMs: number | null = null;
  readonly stats = { written: 0, failures: 0, lastWriteAt: null as number | null };

  constructor(private readonly opts: WriteBehindOptions) {}

  /** Rows waiting to be written (queued, or in a write that has not succeeded yet). */
  get pending(): number {
    return this.inFlight + size(this.queued);
  }

  /** Since when writes fail (ClickHouse unavailable); null while they succeed. */
  get failingSince(): number | null {
    return this.failingSinceMs;
  }

  private inFlight = 0;

  enqueue(records: Partial<Records>, offset?: OffsetToCommit): void {
    if (records.history) this.queued.history.push(...records.history);
    if (records.states) this.queued.states.push(...records.states);
    if (records.deliveries) this.queued.deliveries.push(...records.deliveries);
    if (offset) {
      const key = `${offset.topic}/${offset.partition}`;
      const prev = this.offsets.get(key);
      if (!prev || prev.generation !== offset.generation || BigInt(offset.offset) > BigInt(prev.offset))
        this.offsets.set(key, offset);
    }
    this.loop ??= this.run().finally(() => (this.loop = null));
  }

  /** Waits until everything queued so far is written, or `timeoutMs`; true when all of it was. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.loop) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([this.loop, sleep(left, undefined, { ref: false })]);
    }
    return true;
  }

  /** Stops retrying; what is still queued is lost from memory and replayed from Kafka at the next start. */
  stop(): void {
    this.abort.abort();
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted && (size(this.queued) > 0 || this.offsets.size > 0)) {
      const records = merge(this.queued);
      const offsets = [...this.offsets.values()];
      this.queued = empty();
      this.offsets = new Map();
      this.inFlight = size(records);
      try {
        if (this.inFlight > 0) await this.writeWithRetry(records);
      } catch (err) {
        if (err instanceof AbortedError) return;
        throw err;
      } finally {
        this.inFlight = 0;
      }
      if (offsets.length > 0 && this.opts.commit)
        await this.opts.commit(offsets).catch((err) =>
          // Harmless: the next commit covers it; a crash meanwhile replays a little more.
          this.opts.log.warn({ part: this.opts.name, err: errorMessage(err) }, 'offset commit failed'),
        );
    }
  }

  private async writeWithRetry(records: Records): Promise<void> {
    const now = this.opts.now ?? Date.now;
    await retry(() => this.opts.write(records), {
      backoff: this.opts.policy,
      signal: this.abort.signal,
      onRetry: (i) => {
        this.stats.failures++;
        if (this.failingSinceMs === null) {
          this.failingSinceMs = now();
          this.opts.log.warn(
            { part: this.opts.name, rows: this.pending, reason: i.reason },
            'ClickHouse unavailable: alert records kept in memory and written when it answers; chat delivery goes on',
          );
        }
      },
    });
    if (this.failingSinceMs !== null) {
      this.opts.log.info(
        { part: this.opts.name, rows: size(records), afterMs: now() - this.failingSinceMs },
        'alert records written after a ClickHouse outage',
      );
      this.failingSinceMs = null;
    }
    this.stats.written += size(records);
    this.stats.lastWriteAt = now();
  }
}

function empty(): Records {
  return { history: [], states: [], deliveries: [] };
}

function size(r: Records): number {
  return r.history.length + r.states.length + r.deliveries.length;
}

/** One state row per fingerprint (the highest version); everything else as queued. */
function merge(r: Records): Records {
  const states = new Map<string, StateRow>();
  for (const s of r.states) {
    const prev = states.get(s.fingerprint);
    if (!prev || s.version > prev.version) states.set(s.fingerprint, s);
  }
  return { history: r.history, states: [...states.values()], deliveries: r.deliveries };
}
