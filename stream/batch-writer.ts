// Gathers rows from many Kafka batches (all partitions this processor owns) into one
// INSERT per table, so ClickHouse sees a few large inserts per second instead of one per
// partition batch — large inserts are what MergeTree is built for.
//
// Flushes run one at a time, in order, while the processor already decodes the next
// fetch: a flush starts when `flushMessages` are waiting, when no rows arrived for
// IDLE_MS (the fetch round is complete), or at the latest `lingerMs` after its first row.
// Work that must follow the insert (committing offsets, dead letters, detector state)
// is queued with the rows and runs inside the same flush, after the insert.
//
// A flush that fails is retried with backoff until it succeeds or the writer stops:
// ClickHouse being down must delay the pipeline, never lose rows. Each table's rows go
// in one INSERT (one block, below max_insert_block_size), so a table either has all of a
// flush or none of it — the watermark views depend on that.
import { identifier } from '../common/sql.ts';
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import type { TableRows } from './rows/source.ts';

/** ClickHouse splits an INSERT into blocks of this many rows; more would not be atomic. */
const MAX_ROWS_PER_INSERT = 1_000_000;
/** No new rows for this long: the fetch round is in, flush now rather than wait for linger. */
const IDLE_MS = 20;

interface Pending {
  rows: TableRows;
  messages: number;
  after: Array<() => Promise<void>>;
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface BatchWriterStats {
  flushes: number;
  rowsInserted: Record<string, number>;
  lastFlushAt: number | null;
  lastFlushMs: number;
  lastError: string | null;
}

export class BatchWriter {
  private pending: Pending = this.fresh();
  private idleTimer: NodeJS.Timeout | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Messages added but not yet stored (waiting or being inserted). */
  private unstored = 0;
  private writingSince: number | null = null;
  readonly stats: BatchWriterStats = {
    flushes: 0,
    rowsInserted: {},
    lastFlushAt: null,
    lastFlushMs: 0,
    lastError: null,
  };

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly log: Logger,
    private readonly opts: { flushMessages: number; lingerMs: number },
  ) {}

  get unstoredMessages(): number {
    return this.unstored;
  }

  /** How long the insert in progress has been going (retries included); 0 when none is. */
  pendingForMs(nowMs = Date.now()): number {
    return this.writingSince === null ? 0 : nowMs - this.writingSince;
  }

  /**
   * Adds rows, and work to run once they are stored, to the next flush; resolves when
   * that flush is stored and its follow-up work done.
   */
  add(rows: TableRows, messages: number, after?: () => Promise<void>): Promise<void> {
    const p = this.pending;
    for (const [table, list] of rows) {
      if (list.length === 0) continue;
      const into = p.rows.get(table);
      if (into) for (const r of list) into.push(r);
      else p.rows.set(table, [...list]);
    }
    p.messages += messages;
    this.unstored += messages;
    if (after) p.after.push(after);
    const rowCount = [...p.rows.values()].reduce((n, l) => Math.max(n, l.length), 0);
    if (p.messages >= this.opts.flushMessages || rowCount >= MAX_ROWS_PER_INSERT / 2) {
      this.flushNow();
    } else {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => this.flushNow(), Math.min(IDLE_MS, this.opts.lingerMs));
      this.lingerTimer ??= setTimeout(() => this.flushNow(), this.opts.lingerMs);
    }
    return p.done;
  }

  /** Flushes what is waiting and resolves when everything added so far is stored. */
  async drain(): Promise<void> {
    this.flushNow();
    await this.chain.catch(() => {});
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.drain();
  }

  private fresh(): Pending {
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    done.catch(() => {}); // observed by callers; avoid unhandled-rejection noise when none waits
    return { rows: new Map(), messages: 0, after: [], done, resolve, reject };
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
          p.reject(err);
        },
      );
  }

  private async write(p: Pending): Promise<void> {
    const started = Date.now();
    this.writingSince = started;
    try {
      await this.writeWithRetry(p, started);
    } finally {
      this.writingSince = null;
    }
  }

  private async writeWithRetry(p: Pending, started: number): Promise<void> {
    let backoffMs = 200;
    for (;;) {
      try {
        for (const [table, rows] of p.rows) {
          if (rows.length === 0) continue;
          await this.client.insert({
            table: identifier(`${this.database}.${table}`).text,
            values: rows,
            format: 'JSONEachRow',
          });
          this.stats.rowsInserted[table] = (this.stats.rowsInserted[table] ?? 0) + rows.length;
          p.rows.set(table, []); // stored: a retry of this flush must not insert it again
        }
        while (p.after.length > 0) {
          await p.after[0]!();
          p.after.shift(); // done: a retry must not run it again
        }
        break;
      } catch (err) {
        this.stats.lastError = errorMessage(err);
        if (this.stopped) throw err;
        this.log.warn(
          { err: this.stats.lastError, retryInMs: backoffMs },
          'ClickHouse insert (or what follows it) failed; retrying',
        );
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 10_000);
      }
    }
    this.stats.flushes++;
    this.stats.lastFlushAt = Date.now();
    this.stats.lastFlushMs = Date.now() - started;
    this.stats.lastError = null;
  }
}
