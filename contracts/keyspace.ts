import Type, { type Static } from 'typebox';
import { InstanceRef } from './instance.ts';

// One completed keyspace scan of one shard (collectors/samplers/keyspace/README.md tells how it is
// taken). `instance` is the shard's master; `scannedOn` is where the SCAN actually ran
// (one of its replicas by default). Sizes are bounded: at most 2,000 patterns (the rest
// merged into the pattern `(other)`, but never the patterns holding the most keys without
// TTL) and at most 100 keys in each top list.

const Count = Type.Integer({ minimum: 0 });
const Key = Type.String({ maxLength: 1024 });

/** `other`: a module type (e.g. ReJSON-RL); `mixed`: a pattern whose keys have different types. */
export const KeyType = Type.Union([
  Type.Literal('string'),
  Type.Literal('list'),
  Type.Literal('set'),
  Type.Literal('zset'),
  Type.Literal('hash'),
  Type.Literal('stream'),
  Type.Literal('other'),
  Type.Literal('mixed'),
]);
export type KeyType = Static<typeof KeyType>;

/** Keys per TTL bucket: no TTL, then remaining time < 1 min, < 1 h, < 1 day, < 7 days, ≥ 7 days. */
export const TtlHistogram = Type.Object(
  { none: Count, lt1m: Count, lt1h: Count, lt1d: Count, lt7d: Count, ge7d: Count },
  { additionalProperties: false },
);
export type TtlHistogram = Static<typeof TtlHistogram>;

export const KeyPatternStat = Type.Object(
  {
    /**
     * The keys' pattern, mined from the whole scan: a key position whose values vary (ids of any
     * style, many thin values) is `*`, words stay (`cart:*:items`, `user:*:profile`); `word*` for
     * a numbered family (`player*`); `(other)` for what exceeded the size bound
     * (collectors/samplers/keyspace/pattern-miner.ts).
     */
    pattern: Type.String({ minLength: 1, maxLength: 300 }),
    /** The type of its keys, `mixed` when they differ. */
    type: KeyType,
    keys: Count,
    /** Sum of MEMORY USAGE, bytes. */
    bytes: Count,
    /** Sum of element counts (STRLEN for strings: bytes of the value). */
    elements: Count,
    /** Keys without a TTL (PTTL = -1). */
    noTtl: Count,
    ttlHistogram: TtlHistogram,
    /** MEMORY USAGE of its biggest key, bytes. */
    maxBytes: Count,
    /** One key of the pattern, for a human to look at. */
    exampleKey: Key,
  },
  { additionalProperties: false },
);
export type KeyPatternStat = Static<typeof KeyPatternStat>;

export const BigKey = Type.Object(
  {
    key: Key,
    /** The key's pattern as mined by this scan (one of `patterns`, unless merged into `(other)`). */
    pattern: Type.String({ minLength: 1, maxLength: 300 }),
    type: KeyType,
    /** MEMORY USAGE, bytes (Redis samples 5 elements of big aggregates: an estimate). */
    bytes: Count,
    /** Element count: STRLEN/HLEN/LLEN/SCARD/ZCARD/XLEN; 0 for types without one. */
    length: Count,
    /** Remaining TTL in ms, -1 for none. */
    ttlMs: Type.Integer({ minimum: -1 }),
  },
  { additionalProperties: false },
);
export type BigKey = Static<typeof BigKey>;

export const ScanStats = Type.Object(
  {
    keysScanned: Count,
    /** DBSIZE when the scan began (SCAN may return a key twice, or miss keys added meanwhile). */
    dbsizeAtStart: Count,
    /** Keys that were deleted between SCAN returning them and their inspection. */
    vanished: Count,
    durationMs: Count,
    /** Time spent paused by the latency guard, ms. */
    pausedMs: Count,
    /** `lua`: one EVALSHA per batch inspects every key server-side; `pipeline`: SCAN + pipelined commands. */
    mode: Type.Union([Type.Literal('lua'), Type.Literal('pipeline')]),
    batches: Count,
    /** PING round trip on a separate connection before the scan (median of 9), and its highest during the scan, µs. */
    probeBaselineUs: Count,
    probeMaxUs: Count,
    /** Keys per second the rate limiter allowed (0 = unlimited). */
    keysPerSecond: Count,
    /** False when PTTL was skipped because no key had a TTL when the scan began (all count as "no TTL"). */
    ttlRead: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ScanStats = Static<typeof ScanStats>;

export const KeyspaceScanV1 = Type.Object(
  {
    v: Type.Literal(1),
    kind: Type.Literal('keyspace'),
    /** When the scan finished, unix ms. */
    ts: Type.Integer({ minimum: 946684800000, maximum: 4102444800000 }),
    /** The shard's master (or the standalone instance) whose data was scanned. */
    instance: InstanceRef,
    /** The node SCAN ran on (`host:port`) and its role. */
    scannedOn: Type.Object(
      {
        id: Type.String({ minLength: 3, maxLength: 300 }),
        role: Type.Union([Type.Literal('master'), Type.Literal('replica')]),
      },
      { additionalProperties: false },
    ),
    collector: Type.String({ maxLength: 255 }),
    patterns: Type.Array(KeyPatternStat, { maxItems: 2000 }),
    topKeysByBytes: Type.Array(BigKey, { maxItems: 100 }),
    topKeysByLength: Type.Array(BigKey, { maxItems: 100 }),
    stats: ScanStats,
  },
  { additionalProperties: false },
);
export type KeyspaceScanV1 = Static<typeof KeyspaceScanV1>;
