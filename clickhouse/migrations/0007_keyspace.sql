-- Keyspace scans (KeyspaceScanV1, contracts/keyspace.ts) and hot keys (HotKeysV1,
-- contracts/hotkeys.ts). Scans are rare (one per shard every 6 h by default), so the
-- volume is small: ≤ 2,000 pattern rows and ≤ 200 big-key rows per shard per scan.
-- Must run on ClickHouse 18.16 and current releases: no TTL, CODEC, DateTime64,
-- LowCardinality or query parameters; retention is by dropping daily partitions.

-- key_patterns: one row per key pattern per completed scan. The scan's own figures
-- (scan_*) repeat on each row of the scan so one table answers "what changed since the
-- last scan" without a join; they compress to almost nothing.
-- Latest scan per instance: WHERE (instance, ts) IN (SELECT instance, max(ts) … GROUP BY instance).
CREATE TABLE IF NOT EXISTS {db}.key_patterns
(
    ts DateTime,
    ts_ms UInt64,
    cluster String,
    instance String,
    scanned_on String,
    scanned_role String,
    collector String,
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
    kafka_topic String,
    kafka_partition UInt32,
    kafka_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, pattern, ts);

-- big_keys: the top-N keys of each scan, once ranked by MEMORY USAGE (ranking = 'bytes')
-- and once by element count (ranking = 'length'); rank 1 is the biggest.
CREATE TABLE IF NOT EXISTS {db}.big_keys
(
    ts DateTime,
    ts_ms UInt64,
    cluster String,
    instance String,
    scanned_on String,
    ranking String,
    rank UInt16,
    key String,
    pattern String,
    type String,
    bytes UInt64,
    length UInt64,
    ttl_ms Int64,
    kafka_topic String,
    kafka_partition UInt32,
    kafka_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts, ranking, rank);

-- hot_keys: one row per hot key per observation (metric: lfu-counter, cpu-us, net-bytes,
-- commands), and one row per hot slot (metric = 'slot', key = '', slot ≥ 0; score is the
-- slot's CPU µs when tracked, else its key count). method says how it was observed.
CREATE TABLE IF NOT EXISTS {db}.hot_keys
(
    ts DateTime,
    ts_ms UInt64,
    cluster String,
    instance String,
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
    kafka_topic String,
    kafka_partition UInt32,
    kafka_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts, method, metric, rank);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.key_patterns_watermark TO {db}.ingest_watermarks AS
SELECT 'key_patterns' AS table_name, kafka_topic AS topic, kafka_partition AS partition, max(kafka_offset) AS max_offset
FROM {db}.key_patterns
GROUP BY kafka_topic, kafka_partition;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.big_keys_watermark TO {db}.ingest_watermarks AS
SELECT 'big_keys' AS table_name, kafka_topic AS topic, kafka_partition AS partition, max(kafka_offset) AS max_offset
FROM {db}.big_keys
GROUP BY kafka_topic, kafka_partition;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.hot_keys_watermark TO {db}.ingest_watermarks AS
SELECT 'hot_keys' AS table_name, kafka_topic AS topic, kafka_partition AS partition, max(kafka_offset) AS max_offset
FROM {db}.hot_keys
GROUP BY kafka_topic, kafka_partition;
