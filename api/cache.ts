// A small in-memory TTL cache with single-flight loading: while one request loads a key,
// concurrent requests for it wait for that load instead of sending the same query to
// ClickHouse again. Bounded: past `maxEntries` the oldest entries are dropped (Map keeps
// insertion order). Failed loads are not cached.

export interface TtlCacheOptions {
  maxEntries: number;
  /** Injected clock, for tests. */
  nowMs?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAtMs: number;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V>>();
  private readonly now: () => number;
  readonly stats = { hits: 0, misses: 0, coalesced: 0 };

  constructor(private readonly opts: TtlCacheOptions) {
    this.now = opts.nowMs ?? Date.now;
  }

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAtMs <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key); // re-insert at the end: newest last
    this.entries.set(key, { value, expiresAtMs: this.now() + ttlMs });
    while (this.entries.size > this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The cached value, or the result of `load` (shared with concurrent callers), cached for `ttlMs(value)`. */
  async getOrLoad(key: string, ttlMs: number | ((v: V) => number), load: () => Promise<V>): Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) {
      this.stats.hits++;
      return cached;
    }
    const inFlight = this.loading.get(key);
    if (inFlight) {
      this.stats.coalesced++;
      return inFlight;
    }
    this.stats.misses++;
    const p = load().then(
      (v) => {
        this.loading.delete(key);
        this.set(key, v, typeof ttlMs === 'function' ? ttlMs(v) : ttlMs);
        return v;
      },
      (err: unknown) => {
        this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, p);
    return p;
  }

  clear(): number {
    const n = this.entries.size;
    this.entries.clear();
    return n;
  }

  get size(): number {
    return this.entries.size;
  }
}
