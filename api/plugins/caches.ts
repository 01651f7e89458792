// The API's in-memory caches, shared by routes as decorators.
// - inventory: cluster and instance lists (10 s by default): they change rarely and are
//   the most frequent calls (dashboards, the CLI, tab completion);
// - results: latency summaries and series, keyed by their SQL, for a few seconds when the
//   range reaches the present and minutes when it is wholly in the past. Together with
//   single-flight loading, 50 dashboards asking the same question cost one query;
// - pieces: per-command latency sums of one day of hour rows or one hour of minute rows
//   (latency-pieces.ts), shared by every summary whose range covers them, with the same TTLs.
//   Bounded by count: a piece is at most ~60 × the commands of a scope;
// - lateArrivals: which cached latency sums samples arriving late have changed (late-data.ts).
import fp from 'fastify-plugin';
import { TtlCache } from '../cache.ts';
import { LateArrivals } from '../late-data.ts';

export interface CacheTtls {
  inventoryMs: number;
  /** Results whose range ends within the last two minutes. */
  recentResultMs: number;
  /** Results wholly in the past (their rows no longer change). */
  pastResultMs: number;
}

export const DEFAULT_CACHE_TTLS: CacheTtls = { inventoryMs: 10_000, recentResultMs: 5_000, pastResultMs: 300_000 };

declare module 'fastify' {
  interface FastifyInstance {
    inventoryCache: TtlCache<NonNullable<unknown>>;
    resultCache: TtlCache<NonNullable<unknown>>;
    pieceCache: TtlCache<NonNullable<unknown>>;
    cacheTtls: CacheTtls;
    lateArrivals: LateArrivals;
  }
}

export default fp<{ ttls: CacheTtls }>(
  async (app, opts) => {
    app.decorate('inventoryCache', new TtlCache<NonNullable<unknown>>({ maxEntries: 1000 }));
    app.decorate('resultCache', new TtlCache<NonNullable<unknown>>({ maxEntries: 2000 }));
    app.decorate('pieceCache', new TtlCache<NonNullable<unknown>>({ maxEntries: 1000 }));
    app.decorate('cacheTtls', opts.ttls);
    app.decorate('lateArrivals', new LateArrivals(app.clickhouse, app.database));
  },
  { name: 'caches', dependencies: ['clickhouse'] },
);

/** TTL for a result whose range ends at `toSec`. */
export function resultTtlMs(ttls: CacheTtls, toSec: number, nowMs = Date.now()): number {
  return toSec * 1000 >= nowMs - 120_000 ? ttls.recentResultMs : ttls.pastResultMs;
}
