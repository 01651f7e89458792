-- Latency (LatencySampleV1, contracts/latency.ts).
-- latency_probes: one row per PING probe (per instance per second by default). The
-- histogram is two parallel arrays with fixed bucket bounds (µs, 2 per power of two;
-- 4294967295 = overflow), so a window's distribution is
--   sumMap(bucket_le_us, bucket_counts)
-- and its percentiles follow from the cumulative counts — per-probe p99s cannot be averaged.
CREATE TABLE IF NOT EXISTS {db}.latency_probes
(
    ts DateTime,
    ts_ms UInt64,
    cluster String,
    instance String,
    collector String,
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
    kafka_topic String,
    kafka_partition UInt32,
    kafka_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts);

-- latency_events: spikes from Redis's own latency monitor (LATENCY HISTORY), one row per
-- spike, each sent once. ts is the spike's second (Redis's resolution).
CREATE TABLE IF NOT EXISTS {db}.latency_events
(
    ts DateTime,
    sample_ts_ms UInt64,
    cluster String,
    instance String,
    event String,
    latency_ms UInt32,
    kafka_topic String,
    kafka_partition UInt32,
    kafka_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts, event);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.latency_probes_watermark TO {db}.ingest_watermarks AS
SELECT 'latency_probes' AS table_name, kafka_topic AS topic, kafka_partition AS partition, max(kafka_offset) AS max_offset
FROM {db}.latency_probes
GROUP BY kafka_topic, kafka_partition;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.latency_events_watermark TO {db}.ingest_watermarks AS
SELECT 'latency_events' AS table_name, kafka_topic AS topic, kafka_partition AS partition, max(kafka_offset) AS max_offset
FROM {db}.latency_events
GROUP BY kafka_topic, kafka_partition;
