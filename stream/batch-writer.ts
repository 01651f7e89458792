// Gathers rows from many Kafka batches (all partitions this processor owns) into one
// INSERT per table, so ClickHouse sees a few large inserts per second instead of one per
// partition batch — large inserts are what MergeTree is built for.
//
// Flushes run one at a time, in order, while the processor already decodes the next
// fetch: a flush starts when `flushMessages` are waiting, when no rows arrived for
// IDLE_MS (the fetch round is complete), or at the latest `lingerMs` after its first row.
// A flush:
//   1. waits for what must come first (each batch's alert events published);
//   2. stores each table's rows exactly once (fenced-insert.ts), tables side by side,
//      leaving out partitions this processor no longer owns (a rebalance); rows ClickHouse
//      refuses for what they contain are split until the offending messages are found
//      (bisect, below): those go to the dead-letter topic with ClickHouse's reason
//      before anything after them is stored, and the rest is stored;
//   3. runs the work queued with the rows (committing offsets, dead letters, detector
//      state), which must follow the insert.
// ClickHouse being down delays the pipeline and never loses rows: inserts are retried
// until they succeed or the writer stops (then nothing is committed; Kafka redelivers).
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import type { Watermarks } from '../clickhouse/watermarks.ts';
import { BadRowsError, FencedTable, type Row } from './fenced-insert.ts';
import type { TableRows } from './rows/source.ts';

/** ClickHouse splits an INSERT into blocks of this many rows; more would not be atomic. */
const MAX_ROWS_PER_INSERT = 1_000_000;
/** No new rows for this long: the fetch round is in, flush now rather than wait for linger. */
const IDLE_MS = 20;
/** Tables inserted at once within a flush (each in its own session). */
const TABLE_CONCURRENCY = 4;

/** The Kafka message behind rows, kept so a message ClickHouse refuses can be dead-lettered whole. */
export interface SourceMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

/** Which partitions this processor owns; `stable` waits out a rebalance in progress. */
export interface Ownership {
  stable(): Promise<void>;
  /** Owned without a break since the generation rows were read in (ownership.ts). */
  ownedSince(topic: string, partition: number, generation: number): boolean;
}

export interface WriterHooks {
  ownership: Ownership;
  /** Sends dead letters for messages ClickHouse refused (retries until sent). */
  rejected(messages: Array<{ source: SourceMessage; reason: string }>): Promise<void>;
}

export interface BatchRows {
  rows: TableRows;
  /** The ownership generation the batch was read in: its rows are stored only while that ownership lasts. */
  generation: number;
  messages: number;
  /** Messages behind the rows, by `partition/offset`. */
  sources: Map<string, SourceMessage>;
  /** Settles before the rows are stored (the batch's alert events published). */
  before?: () => Promise<void>;
}

interface Pending {
  batches: BatchRows[];
  rows: number;
  messages: number;
  after: Array<() => Promise<void>>;
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface BatchWriterStats {
  flushes: number;
  rowsInserted: Record<string, number>;
  /** When a flush last finished storing (the processor's "last insert"). */
  lastFlushAt: number | null;
  lastFlushMs: number;
  /** The last failure seen, even if a retry then succeeded. */
  lastError: { at: number; message: string } | null;
  /** Inserts whose outcome was unknown, fenced and checked. */
  fencedInserts: number;
  /** Rows found already stored after such a fence (not sent twice). */
  rowsFoundStored: number;
  /** Messages ClickHouse refused, sent to the dead-letter topic. */
  rejectedMessages: number;
}

export const sourceKey = (partition: number, offset: number | string) => `${partition}/${offset}`;

export class BatchWriter {
  private pending: Pending = this.fresh();
  private idleTimer: NodeJS.Timeout | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly tables = new Map<string, FencedTable>();
  /** Messages added but not yet stored (waiting or being inserted). */
  private unstored = 0;
  private writingSince: number | null = null;
  /** The generation each pending row was read in (BatchRows.generation). */
  private readonly readIn = new WeakMap<Row, number>();
  readonly stats: BatchWriterStats = {
    flushes: 0,
    rowsInserted: {},
    lastFlushAt: null,
    lastFlushMs: 0,
    lastError: null,
    fencedInserts: 0,
    rowsFoundStored: 0,
    rejectedMessages: 0,
  };

  constructor(
    private readonly client: ClickHouseClient,
    private readonly target: { database: string; cluster: string | null; processorId: string; watermarks: Watermarks },
    private readonly log: Logger,
    private readonly opts: { flushMessages: number; lingerMs: number },
    private readonly hooks: WriterHooks,
  ) {}

  get unstoredMessages(): number {
    return this.unstored;
  }

  /** How long the insert in progress has been going (retries included); 0 when none is. */
  pendingForMs(nowMs = Date.now()): number {
    return this.writingSince === null ? 0 : nowMs - this.writingSince;
  }

  /**
   * Adds a batch's rows, and work to run once they are stored, to the next flush;
   * resolves when that flush is stored and its follow-up work done.
   */
  add(batch: BatchRows, after?: () => Promise<void>): Promise<void> {
    const p = this.pending;
    p.batches.push(batch);
    for (const list of batch.rows.values()) for (const r of list) this.readIn.set(r, batch.generation);
    for (const list of batch.rows.values()) p.rows += list.length;
    p.messages += batch.messages;
    this.unstored += batch.messages;
    if (after) p.after.push(after);
    if (p.messages >= this.opts.flushMessages || p.rows >= MAX_ROWS_PER_INSERT / 2) {
      this.flushNow();
    } else {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => this.flushNow(), Math.min(IDLE_MS, this.opts.lingerMs));
      this.lingerTimer ??= setTimeout(() => this.flushNow(), this.opts.lingerMs);
    }
    return p.done;
  }

  /** Flushes what is waiting and resolves when everything added so far is stored (or failed). */
  async drain(): Promise<void> {
    this.flushNow();
    await this.chain.catch(() => {});
  }

  /** Stores what it can within `graceMs`, then gives up retrying (uncommitted messages are redelivered). */
  async stop(graceMs = 10_000): Promise<void> {
    const giveUp = setTimeout(() => (this.stopped = true), graceMs);
    try {
      await this.drain();
    } finally {
      clearTimeout(giveUp);
      this.stopped = true;
    }
  }

  private fresh(): Pending {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    done.catch(() => {}); // observed by callers; avoid unhandled-rejection noise when none waits
    return { batches: [], rows: 0, messages: 0, after: [], done, resolve, reject };
  }

  flushNow(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.idleTimer = this.lingerTimer = null;
    const p = this.pending;
    if (p.messages === 0 && p.after.length === 0) return;
    this.pending = this.fresh();
    this.chain = this.chain
      .then(() => this.write(p))
      .then(
        () => {
          this.unstored -= p.messages;
          p.resolve();
        },
        (err) => {
          this.unstored -= p.messages;
          this.noteError(`flush abandoned: ${errorMessage(err)}`);
          p.reject(err);
        },
      );
  }

  private noteError(message: string): void {
    this.stats.lastError = { at: Date.now(), message };
  }

  private table(name: string): FencedTable {
    let t = this.tables.get(name);
    if (!t) {
      t = new FencedTable(this.client, name, {
        ...this.target,
        log: this.log,
        stopped: () => this.stopped,
        onError: (message) => this.noteError(message),
      });
      this.tables.set(name, t);
    }
    return t;
  }

  private async write(p: Pending): Promise<void> {
    const started = Date.now();
    this.writingSince = started;
    try {
      await this.writeFlush(p, started);
    } finally {
      this.writingSince = null;
    }
  }

  private async writeFlush(p: Pending, started: number): Promise<void> {
    await Promise.all(p.batches.map((b) => b.before?.()));
    const byTable = new Map<string, Row[]>();
    const sources = new Map<string, SourceMessage>();
    for (const b of p.batches) {
      for (const [table, list] of b.rows) {
        if (list.length === 0) continue;
        const into = byTable.get(table);
        if (into) for (const r of list) into.push(r);
        else byTable.set(table, [...list]);
      }
      for (const [k, s] of b.sources) sources.set(k, s);
    }
    const queue = [...byTable];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await this.storeTable(next[0], next[1], sources);
    };
    await Promise.all(Array.from({ length: Math.min(TABLE_CONCURRENCY, queue.length) }, worker));
    // Work that follows the insert runs once; a failure there is retried by its owner.
    for (const after of p.after) await after();
    this.stats.flushes++;
    this.stats.lastFlushAt = Date.now();
    this.stats.lastFlushMs = Date.now() - started;
    this.log.debug({ messages: p.messages, rows: p.rows, ms: this.stats.lastFlushMs }, 'flush stored');
  }

  private async storeTable(table: string, rows: Row[], sources: Map<string, SourceMessage>): Promise<void> {
    // Each partition's offsets ascending: however the rows are split below, a partition is
    // stored as a prefix at every moment, which is what its watermark claims.
    rows.sort(
      (a, b) =>
        Number(a.kafka_partition) - Number(b.kafka_partition) || Number(a.kafka_offset) - Number(b.kafka_offset),
    );
    const stored = await this.bisect(table, rows, sources);
    this.stats.rowsInserted[table] = (this.stats.rowsInserted[table] ?? 0) + stored;
  }

  /** Stores `rows`; rows ClickHouse refuses are narrowed down to whole messages and dead-lettered. */
  private async bisect(table: string, rows: Row[], sources: Map<string, SourceMessage>): Promise<number> {
    const { ownership } = this.hooks;
    const owned = async () => {
      await ownership.stable();
      return (r: Row) =>
        ownership.ownedSince(String(r.kafka_topic), Number(r.kafka_partition), this.readIn.get(r) ?? -1);
    };
    try {
      const outcome = await this.table(table).store(rows, owned);
      this.stats.fencedInserts += outcome.fenced;
      this.stats.rowsFoundStored += outcome.alreadyStored;
      return rows.length - outcome.alreadyStored;
    } catch (err) {
      if (!(err instanceof BadRowsError)) throw err;
      const messages = groupByMessage(err.rows);
      if (messages.length === 1) {
        await this.reject(table, messages[0]!, sources, err.reason);
        return 0;
      }
      // ClickHouse named the row: the messages before it parsed, it is refused; go on after it.
      const named = err.row === undefined ? undefined : err.rows[err.row];
      if (named) {
        const key = sourceKey(Number(named.kafka_partition), String(named.kafka_offset));
        const at = messages.findIndex(([k]) => k === key);
        const before = messages.slice(0, at).flatMap(([, r]) => r);
        const after = messages.slice(at + 1).flatMap(([, r]) => r);
        const stored = before.length > 0 ? await this.bisect(table, before, sources) : 0;
        await this.reject(table, messages[at]!, sources, err.reason);
        return stored + (after.length > 0 ? await this.bisect(table, after, sources) : 0);
      }
      const half = Math.ceil(messages.length / 2);
      const first = messages.slice(0, half).flatMap(([, r]) => r);
      const second = messages.slice(half).flatMap(([, r]) => r);
      return (await this.bisect(table, first, sources)) + (await this.bisect(table, second, sources));
    }
  }

  /** Dead-letters one message's rows, before any later message of its partition is stored (see storeTable). */
  private async reject(
    table: string,
    [key, rows]: [string, Row[]],
    sources: Map<string, SourceMessage>,
    reason: string,
  ): Promise<void> {
    const [partition, offset] = key.split('/');
    const source = sources.get(key) ?? {
      topic: String(rows[0]!.kafka_topic),
      partition: Number(partition),
      offset: String(offset),
      key: null,
      value: null,
    };
    await this.hooks.rejected([{ source, reason: `${table}: ${reason}` }]);
    this.stats.rejectedMessages++;
    this.log.warn(
      { table, topic: source.topic, partition: source.partition, offset: source.offset, reason },
      'message refused by ClickHouse sent to the dead-letter topic',
    );
  }
}

/** Rows grouped by the message they came from, in order. */
function groupByMessage(rows: readonly Row[]): Array<[string, Row[]]> {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = sourceKey(Number(r.kafka_partition), String(r.kafka_offset));
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups];
}
