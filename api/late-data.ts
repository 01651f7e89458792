// Samples that arrive late, so that cached latency sums they change are not served
// (0033_info_arrivals.sql). A cached piece or result covers [fromSec, toSec) of one
// cluster's data as ClickHouse held it when it was loaded; it is stale once an INSERT after
// that moment brought samples for that span. ClickHouse records such INSERTs (those holding
// a sample more than 60 s old) in info_arrivals; this tracker reads the table's last
// minutes — about once a second while requests come, never while idle — and answers
// `changedSince`. Times are the ClickHouse server's clock throughout (the offset to ours
// is measured by every read), so a skewed API host changes nothing.
//
// What a caller gets: every sample stored up to ~1 s before its request (at most
// `maxLagMs` when the API was idle) is in the answer, late or not — the same bound as the
// 5 s cache of pieces that reach the present.
import type { ClickHouseClient } from '@clickhouse/client';
import { identifier, sql, type SqlFragment } from '../common/sql.ts';
import type { TtlCache } from './cache.ts';
import { selectRows } from './queries/run.ts';

/** How long before a piece's load an arrival still counts: its rows may have become visible after it was recorded. */
export const ARRIVAL_MARGIN_SECONDS = 5;
/** How far back arrivals are read: longer than any cached entry lives (plugins/caches.ts: 5 min). */
const WINDOW_SECONDS = 900;

interface Arrival {
  atSec: number;
  minTsSec: number;
  maxTsSec: number;
}

export function lateArrivalsSql(database: string, windowSec = WINDOW_SECONDS): SqlFragment {
  return sql`SELECT toUInt32(now()) AS server_now,
    groupArray(tuple(cluster, toUInt32(inserted_at), toUInt32(min_ts), toUInt32(max_ts))) AS arrivals
FROM ${identifier(`${database}.info_arrivals`)}
WHERE inserted_at >= now() - ${windowSec}`;
}

interface ArrivalsRow {
  server_now: number | string;
  arrivals: Array<[string, number | string, number | string, number | string]>;
}

export class LateArrivals {
  private byCluster = new Map<string, Arrival[]>();
  /** Server clock − local clock, seconds. */
  private offsetSec = 0;
  /** Local time (ms) at which the newest completed read was sent. */
  private knownAtMs = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | null = null;
  /** The last read failed (ClickHouse unreachable, a database not yet migrated): every cached entry counts as changed. */
  private unknown = false;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly opts: { refreshMs: number; maxLagMs: number } = { refreshMs: 1000, maxLagMs: 5000 },
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The ClickHouse server's clock, unix seconds, as of the last read. */
  serverNowSec(): number {
    return Math.floor(this.nowMs() / 1000) + this.offsetSec;
  }

  /**
   * Makes sure what is known of late arrivals is at most `maxLagMs` old (waiting for a
   * read if not), and starts a read in the background once it is `refreshMs` old. Never
   * throws: a failed read makes every cached entry count as changed.
   */
  async fresh(): Promise<void> {
    const age = this.nowMs() - this.knownAtMs;
    if (age > this.opts.maxLagMs) await this.read();
    else if (age > this.opts.refreshMs) void this.read();
  }

  /** Whether samples of `cluster` in [fromSec, toSec) arrived after `loadedAtSec` (server clock). */
  changedSince(cluster: string, fromSec: number, toSec: number, loadedAtSec: number): boolean {
    if (this.unknown) return true;
    const list = this.byCluster.get(cluster);
    if (!list) return false;
    return list.some(
      (a) => a.atSec >= loadedAtSec - ARRIVAL_MARGIN_SECONDS && a.minTsSec < toSec && a.maxTsSec >= fromSec,
    );
  }

  private read(): Promise<void> {
    this.reading ??= (async () => {
      const sentAt = this.nowMs();
      try {
        const [row] = await selectRows<ArrivalsRow>(this.client, lateArrivalsSql(this.database));
        const byCluster = new Map<string, Arrival[]>();
        for (const [cluster, at, minTs, maxTs] of row?.arrivals ?? []) {
          const list = byCluster.get(cluster) ?? [];
          byCluster.set(cluster, list);
          list.push({ atSec: Number(at), minTsSec: Number(minTs), maxTsSec: Number(maxTs) });
        }
        this.byCluster = byCluster;
        // Whole seconds on both sides: off by at most a second, well inside the margin.
        if (row) this.offsetSec = Number(row.server_now) - Math.floor((sentAt + this.nowMs()) / 2000);
        this.unknown = false;
      } catch {
        // Not retried before `refreshMs`; until a read succeeds, nothing cached is trusted.
        this.unknown = true;
      } finally {
        this.knownAtMs = sentAt;
        this.reading = null;
      }
    })();
    return this.reading;
  }
}

/** What a cached entry covers: one cluster's data in [fromSec, toSec). */
export interface CachedSpan {
  cluster: string;
  fromSec: number;
  toSec: number;
}

interface Stamped<V> {
  value: V;
  /** The ClickHouse server's clock when the load started. */
  loadedAtSec: number;
}

/**
 * `cache`'s entry for `key`, unless samples for its span arrived after it was loaded: then
 * (or when absent) `load` runs — once for concurrent callers — and its value is cached for `ttlMs`.
 */
export async function cachedUnlessLate<V extends NonNullable<unknown>>(
  cache: TtlCache<NonNullable<unknown>>,
  late: LateArrivals,
  key: string,
  span: CachedSpan,
  ttlMs: number,
  load: () => Promise<V>,
): Promise<V> {
  await late.fresh();
  const hit = cache.get(key) as Stamped<V> | undefined;
  if (hit && late.changedSince(span.cluster, span.fromSec, span.toSec, hit.loadedAtSec)) cache.delete(key);
  const entry = (await cache.getOrLoad(key, ttlMs, async () => {
    const loadedAtSec = late.serverNowSec();
    return { value: await load(), loadedAtSec };
  })) as Stamped<V>;
  return entry.value;
}
