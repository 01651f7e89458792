// The API's in-memory caches: lru-cache with a TTL per entry and single-flight loading
// (`fetch`: while one request loads a key, concurrent requests for it wait for that load
// instead of sending the same query to ClickHouse again). Bounded by `maxEntries`, least
// recently used first out. Failed loads are not cached. This file only adapts lru-cache
// to the two calls the routes make: get/set of rendered pages, and getOrLoad of results.
import { LRUCache } from 'lru-cache';

export interface TtlCacheOptions {
  maxEntries: number;
  /** Injected clock, for tests. */
  nowMs?: () => number;
}

interface LoadContext<V> {
  load: () => Promise<V>;
  ttlMs: number | ((v: V) => number);
}

export class TtlCache<V extends NonNullable<unknown>> {
  private readonly lru: LRUCache<string, V, LoadContext<V>>;
  readonly stats = { hits: 0, misses: 0, coalesced: 0 };

  constructor(opts: TtlCacheOptions) {
    const now = opts.nowMs;
    this.lru = new LRUCache<string, V, LoadContext<V>>({
      max: opts.maxEntries,
      // Entries expire exactly at their TTL; no stale value is ever served.
      ttlAutopurge: false,
      allowStale: false,
      ttlResolution: 0,
      ...(now ? { perf: { now } } : {}),
      fetchMethod: async (_key, _stale, { options, context }) => {
        const value = await context.load();
        const ttl = typeof context.ttlMs === 'function' ? context.ttlMs(value) : context.ttlMs;
        // A TTL of 0 means "do not keep" (lru-cache reads 0 as "forever"): 1 ms lets the
        // callers already waiting on this load share it, and nobody after them.
        options.ttl = Math.max(1, ttl);
        return value;
      },
    });
  }

  get(key: string): V | undefined {
    return this.lru.get(key);
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.lru.set(key, value, { ttl: ttlMs });
  }

  /** The cached value, or the result of `load` (shared with concurrent callers), cached for `ttlMs(value)`. */
  async getOrLoad(key: string, ttlMs: number | ((v: V) => number), load: () => Promise<V>): Promise<V> {
    const status: LRUCache.Status<string, V, LoadContext<V>> = {};
    const value = await this.lru.fetch(key, { context: { load, ttlMs }, status });
    if (status.fetch === 'hit') this.stats.hits++;
    else if (status.fetch === 'inflight') this.stats.coalesced++;
    else this.stats.misses++;
    return value as V;
  }

  clear(): number {
    const n = this.lru.size;
    this.lru.clear();
    return n;
  }

  get size(): number {
    return this.lru.size;
  }
}
