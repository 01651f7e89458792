-- Keyspace scans (KeyspaceScanV1, contracts/keyspace.ts) and hot keys (HotKeysV1,
-- contracts/hotkeys.ts). Scans are rare (one per shard every 6 h by default), so the
-- volume is small: ≤ 2,000 pattern rows and ≤ 200 big-key rows per shard per scan.

-- key_patterns: one row per key pattern per completed scan. The scan's own figures
-- (scan_*) repeat on each row of the scan so one table answers "what changed since the
-- last scan" without a join; they compress to almost nothing.
-- Latest scan per instance: WHERE (instance, ts) IN (SELECT instance, max(ts) … GROUP BY instance).
CREATE TABLE IF NOT EXISTS {table:key_patterns}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    scanned_on String,
    scanned_role String,
    collector {lc:String},
    pattern String,
    type String,
    keys UInt64,
    bytes UInt64,
    elements UInt64,
    no_ttl UInt64,
    ttl_none UInt64,
    ttl_lt1m UInt64,
    ttl_lt1h UInt64,
    ttl_lt1d UInt64,
    ttl_lt7d UInt64,
    ttl_ge7d UInt64,
    max_bytes UInt64,
    example_key String,
    scan_keys UInt64,
    scan_dbsize UInt64,
    scan_duration_ms UInt64,
    scan_paused_ms UInt64,
    scan_mode String,
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, pattern, ts);

-- big_keys: the top-N keys of each scan, once ranked by MEMORY USAGE (ranking = 'bytes')
-- and once by element count (ranking = 'length'); rank 1 is the biggest.
CREATE TABLE IF NOT EXISTS {table:big_keys}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    scanned_on String,
    ranking String,
    rank UInt16,
    key String,
    pattern String,
    type String,
    bytes UInt64,
    length UInt64,
    ttl_ms Int64,
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts, ranking, rank);

-- hot_keys: one row per hot key per observation (metric: lfu-counter, cpu-us, net-bytes,
-- commands), and one row per hot slot (metric = 'slot', key = '', slot ≥ 0; score is the
-- slot's CPU µs when tracked, else its key count). method says how it was observed.
CREATE TABLE IF NOT EXISTS {table:hot_keys}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    observed_on String,
    method String,
    metric String,
    rank UInt16,
    key String,
    pattern String,
    score Float64,
    slot Int32,
    slot_keys UInt64,
    slot_cpu_us UInt64,
    slot_net_in_bytes UInt64,
    slot_net_out_bytes UInt64,
    window_ms UInt64,
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts, method, metric, rank);
