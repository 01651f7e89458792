// One table's rows stored exactly once, even when an INSERT's outcome is unknown.
//
// The problem: an INSERT times out while ClickHouse is frozen or overloaded. It may have
// been stored, may never be, or — the dangerous case — may still sit in the server's socket
// and be stored after the processor, seeing nothing, has sent the rows again.
//
// The mechanism, with ClickHouse's HTTP sessions (18.16 has them; so does every release):
//  1. Inserts run in a session of this processor and table, with `session_check=1`: they
//     run only while that session exists.
//  2. After an unknown outcome, the session is fenced: `SET readonly = 1`, sent in the same
//     session. ClickHouse runs one query per session at a time, so if the insert is still
//     running the fence waits for it (SESSION_IS_LOCKED, retried); an insert that has not
//     started yet will find the session read-only — or expired, for `session_check=1` —
//     and store nothing. Once the fence has an answer, the earlier attempt is settled.
//  3. Only then the processor reads what was stored: each table's watermark per partition,
//     written by the same INSERT through its materialized view (clickhouse/derived.ts).
//     On one server it sends, in a new session, only the rows above the watermark. On a
//     cluster it sends the same rows unchanged unless all are stored: replicated tables
//     drop a block identical to one they already hold, and skip its materialized views.
//     Where the server can (not 18.16), the views of a dropped block run too, so a block
//     stored by a server that died before running its views reaches them (view-dedup.ts).
// No timing assumption is involved, however long the server was frozen.
//
// Queries carry the id prefix INSERT_QUERY_PREFIX, so a processor taking over a partition
// can wait for another processor's inserts still running (takeover.ts).
import type { ClickHouseSettings } from '@clickhouse/client';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { errorMessage } from '../common/errors.ts';
import type { Logger } from '../common/log.ts';
import { retry, retryUntilDone, type Backoff } from '../common/retry.ts';
import { identifier } from '../common/sql.ts';
import type { Watermarks } from '../clickhouse/watermarks.ts';
import { classifyInsertError, isClickHouseCode, READONLY, SESSION_NOT_FOUND } from './insert-errors.ts';
import { ViewDedup } from './view-dedup.ts';

export const INSERT_QUERY_PREFIX = 'redscope-insert:';
/** Sessions of idle tables expire after this long; the next insert then opens a new one. */
const SESSION_TIMEOUT_S = 3600;
/** A frozen server is retried patiently; the default ±20 % jitter spreads several processors' retries. */
const BACKOFF: Backoff = { initialMs: 200, maxMs: 5000 };

export type Row = Record<string, unknown>;

/** The rows ClickHouse refused for what they contain (none of them stored), and its reason. */
export class BadRowsError extends Error {
  override name = 'BadRowsError';
  constructor(
    readonly reason: string,
    readonly rows: Row[],
    /** Index in `rows` of the row ClickHouse named, when it did. */
    readonly row?: number,
  ) {
    super(reason);
  }
}

export class StoppedError extends Error {
  override name = 'StoppedError';
}

export interface FencedTableOptions {
  database: string;
  cluster: string | null;
  /** Unique per processor process: names its sessions and queries. */
  processorId: string;
  log: Logger;
  /** True once the writer stops: retries give up (nothing is committed, Kafka redelivers). */
  stopped: () => boolean;
  /** Called with every failure (for health: last error). */
  onError?: (message: string) => void;
  /** Where the check after a fence reads what is stored. */
  watermarks: Watermarks;
}

export interface StoreOutcome {
  /** Attempts whose outcome was unknown and had to be fenced. */
  fenced: number;
  /** Rows found already stored after a fence (not sent again). */
  alreadyStored: number;
}

export class FencedTable {
  private session: string | null = null;
  private sessions = 0;
  private queries = 0;
  /** On a cluster: the setting that runs the views of a block dropped as a repeat. */
  private readonly viewDedup: ViewDedup | null;
  private viewDedupSettings: Record<string, unknown> | null = null;

  constructor(
    private readonly client: ClickHouseClient,
    readonly table: string,
    private readonly opts: FencedTableOptions,
  ) {
    this.viewDedup = opts.cluster ? new ViewDedup(client) : null;
  }

  /**
   * Stores `rows` (all from one topic) once. `owned` is asked before every attempt, so a
   * retry after a rebalance leaves out partitions this processor no longer owns. Throws
   * BadRowsError with the rows ClickHouse refused and never stored.
   */
  async store(
    rows: Row[],
    owned: () => Promise<(row: Row) => boolean> = async () => () => true,
  ): Promise<StoreOutcome> {
    const outcome: StoreOutcome = { fenced: 0, alreadyStored: 0 };
    let pending = rows;
    // One attempt: insert what is pending; after an unknown outcome, fence and keep only
    // what is not stored. Done when nothing is pending; throws for refused rows and stops.
    const attempt = async () => {
      for (;;) {
        const keep = await owned();
        pending = pending.filter(keep);
        if (pending.length === 0) return { done: true as const, value: outcome };
        const session = await this.openSession();
        try {
          await this.insert(session, pending);
          return { done: true as const, value: outcome };
        } catch (err) {
          const failure = classifyInsertError(err);
          this.opts.onError?.(`insert into ${this.table}: ${errorMessage(err)}`);
          if (failure.kind === 'session-gone') {
            this.session = null; // refused before it ran: nothing to settle, send again at once
            continue;
          }
          // Refused while reading the rows: nothing was written, the session is still good.
          if (failure.kind === 'bad-data' && failure.whileParsing)
            throw new BadRowsError(failure.reason, pending, failure.row);
          outcome.fenced++;
          await this.fence(session);
          this.session = null;
          const before = pending.length;
          pending = await this.unstored(pending);
          outcome.alreadyStored += before - pending.length;
          if (failure.kind === 'bad-data') {
            if (pending.length > 0) throw new BadRowsError(failure.reason, pending);
            return { done: true as const, value: outcome };
          }
          if (pending.length === 0) return { done: true as const, value: outcome };
          if (this.opts.stopped())
            throw new StoppedError(`stopped with ${pending.length} rows of ${this.table} unstored`);
          return { done: false as const, reason: errorMessage(err) };
        }
      }
    };
    const { value } = await retryUntilDone(attempt, {
      backoff: BACKOFF,
      onRetry: ({ reason, delayMs }) =>
        this.opts.log.warn(
          { table: this.table, rows: pending.length, err: reason, retryInMs: delayMs },
          'insert outcome unknown: fenced, checked what was stored, sending the rest again',
        ),
    });
    return value;
  }

  private async insert(session: string, rows: Row[]): Promise<void> {
    // session_timeout on every query of the session, not only the first: each query resets
    // the session's timeout to its own (the server default, 60 s, when absent), and a table
    // written less than once a minute found its session gone ("Session not found", code 372).
    const settings: Record<string, unknown> = { session_check: 1, session_timeout: String(SESSION_TIMEOUT_S) };
    // Through the Distributed table: synchronous, so stored means stored on the shard.
    if (this.opts.cluster) settings.insert_distributed_sync = 1;
    if (this.viewDedup) Object.assign(settings, this.viewDedupSettings);
    await this.client.insert({
      table: identifier(`${this.opts.database}.${this.table}`).text,
      values: rows,
      format: 'JSONEachRow',
      session_id: session,
      query_id: `${INSERT_QUERY_PREFIX}${this.opts.processorId}:${this.table}:${++this.queries}`,
      clickhouse_settings: settings as ClickHouseSettings,
    });
  }

  /** The current session, or a new one (created by a first query in it). */
  private async openSession(): Promise<string> {
    if (this.viewDedup && !this.viewDedupSettings)
      this.viewDedupSettings = await this.retrying('reading the server settings', () =>
        this.viewDedup!.insertSettings(),
      );
    this.session ??= await this.retrying('cannot open a ClickHouse session', async () => {
      const id = `redscope-${this.opts.processorId}-${this.table}-${++this.sessions}`;
      await this.client.command({
        query: 'SELECT 1',
        session_id: id,
        clickhouse_settings: { session_timeout: String(SESSION_TIMEOUT_S) },
      });
      return id;
    });
    return this.session;
  }

  /** Returns once no earlier query of `session` can store anything any more. */
  private async fence(session: string): Promise<void> {
    // SESSION_IS_LOCKED (retried): the insert is still running. Or the server does not answer yet.
    await this.retrying('fencing an insert whose outcome is unknown', async () => {
      try {
        await this.client.command({
          query: 'SET readonly = 1',
          session_id: session,
          clickhouse_settings: { session_check: 1 } as ClickHouseSettings,
        });
      } catch (err) {
        // Already read-only (an earlier fence landed), or gone: either way nothing more runs in it.
        if (!isClickHouseCode(err, READONLY, SESSION_NOT_FOUND)) throw err;
      }
    });
  }

  /** The rows not stored yet, as the table's watermarks tell (after a fence, so they are final). */
  private async unstored(rows: Row[]): Promise<Row[]> {
    const topic = String(rows[0]!.kafka_topic);
    const partitions = [...new Set(rows.map((r) => Number(r.kafka_partition)))];
    const marks = await this.retrying('reading watermarks after a fenced insert', () =>
      this.opts.watermarks.table(this.table, topic, partitions),
    );
    const left = rows.filter((r) => Number(r.kafka_offset) > (marks.get(Number(r.kafka_partition)) ?? -1));
    // On a cluster the same block again, so replicas recognise whatever part of it they have.
    return this.opts.cluster && left.length > 0 ? rows : left;
  }

  /** Runs `work` until it succeeds: every failure reported (health), logged first and every 10th; StoppedError once the writer stops. */
  private async retrying<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await retry(work, {
        backoff: BACKOFF,
        stopWhen: this.opts.stopped,
        onFailure: ({ reason }) => this.opts.onError?.(`${what}: ${reason}`),
        onRetry: ({ attempt, reason, delayMs, worthLogging }) => {
          if (worthLogging) this.opts.log.warn({ table: this.table, err: reason, attempt, retryInMs: delayMs }, what);
        },
      });
    } catch (err) {
      // Given up only because the writer stops (nothing else ends this loop).
      throw this.opts.stopped() ? new StoppedError(`stopped while ${what}`) : err;
    }
  }
}
