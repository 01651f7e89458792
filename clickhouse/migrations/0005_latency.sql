-- Latency (LatencySampleV1, contracts/latency.ts).
-- latency_probes: one row per PING probe (per instance per second by default). The
-- histogram is two parallel arrays with fixed bucket bounds (µs, 2 per power of two;
-- 4294967295 = overflow), so a window's distribution is
--   sumMap(bucket_le_us, bucket_counts)
-- and its percentiles follow from the cumulative counts — per-probe p99s cannot be averaged.
CREATE TABLE IF NOT EXISTS {table:latency_probes}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    collector {lc:String},
    pings_answered UInt32,
    pings_failed UInt32,
    min_us Float64,
    max_us Float64,
    mean_us Float64,
    p50_us Float64,
    p90_us Float64,
    p99_us Float64,
    p999_us Float64,
    bucket_le_us Array(UInt32),
    bucket_counts Array(UInt32),
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts);

-- latency_events: spikes from Redis's own latency monitor (LATENCY HISTORY), one row per
-- spike, each sent once. ts is the spike's second (Redis's resolution).
CREATE TABLE IF NOT EXISTS {table:latency_events}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    sample_ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    event String,
    latency_ms UInt32,
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts, event);
