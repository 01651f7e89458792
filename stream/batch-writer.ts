// Gathers rows from many Kafka batches (all partitions this processor owns) into one
// INSERT per table, so ClickHouse sees about one insert per table per `lingerMs` instead
// of one per partition batch — large inserts are what MergeTree is built for.
// Callers await the flush that carries their rows; only then do they commit offsets.
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

interface Pending {
  rows: TableRows;
  messages: number;
  extra: Array<() => Promise<void>>;
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
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  readonly stats: BatchWriterStats = { flushes: 0, rowsInserted: {}, lastFlushAt: null, lastFlushMs: 0, lastError: null };

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly log: Logger,
    private readonly opts: { flushMessages: number; lingerMs: number },
  ) {}

  /**
   * Adds rows (and work to run after they are stored, e.g. sending dead letters) to the
   * next flush; resolves once that flush is stored.
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
    if (after) p.extra.push(after);
    const rowCount = [...p.rows.values()].reduce((n, l) => Math.max(n, l.length), 0);
    if (p.messages >= this.opts.flushMessages || rowCount >= MAX_ROWS_PER_INSERT / 2) this.flushNow();
    else this.timer ??= setTimeout(() => this.flushNow(), this.opts.lingerMs);
    return p.done;
  }

  stop(): void {
    this.stopped = true;
    this.flushNow();
  }

  private fresh(): Pending {
    let resolve!: () => void, reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    done.catch(() => {}); // observed by callers; avoid unhandled-rejection noise when none waits
    return { rows: new Map(), messages: 0, extra: [], done, resolve, reject };
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const p = this.pending;
    if (p.messages === 0 && p.extra.length === 0) return;
    this.pending = this.fresh();
    this.chain = this.chain.then(() => this.write(p)).then(p.resolve, p.reject);
  }

  private async write(p: Pending): Promise<void> {
    const started = Date.now();
    let backoffMs = 200;
    for (;;) {
      try {
        for (const [table, rows] of p.rows) {
          if (rows.length === 0) continue;
          await this.client.insert({ table: identifier(`${this.database}.${table}`).text, values: rows, format: 'JSONEachRow' });
          this.stats.rowsInserted[table] = (this.stats.rowsInserted[table] ?? 0) + rows.length;
          p.rows.set(table, []); // stored: a retry of this flush must not insert it again
        }
        for (const fn of p.extra.splice(0)) await fn();
        break;
      } catch (err) {
        this.stats.lastError = errorMessage(err);
        if (this.stopped) throw err;
        this.log.warn({ err: this.stats.lastError, retryInMs: backoffMs }, 'ClickHouse insert failed; retrying');
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
