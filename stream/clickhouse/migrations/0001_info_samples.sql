-- One row per INFO sample: ~2,000 rows/s for a 2,000-instance fleet at a 1 s interval.
-- Every numeric INFO field travels in two parallel arrays instead of one row per field
-- (which would be ~800,000 rows/s for the same fleet); the names compress to almost
-- nothing because they repeat row after row.
-- Must run on ClickHouse 18.16 and current releases: no TTL, CODEC, DateTime64 or query
-- parameters here; retention is by dropping daily partitions.
CREATE TABLE IF NOT EXISTS {db}.info_samples
(
    ts DateTime,
    ts_ms UInt64,
    cluster String,
    instance String,
    host String,
    role String,
    version String,
    collector String,
    duration_us UInt32,
    metric_names Array(String),
    metric_values Array(Float64),
    text_names Array(String),
    text_values Array(String),
    kafka_topic String,
    kafka_partition UInt32,
    kafka_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts);

-- One row per command per INFO sample (commandstats + latencystats). Counters are
-- cumulative as Redis reports them; the *_delta columns are the change since the
-- previous sample of the same instance (0 on the first sample and after a reset).
CREATE TABLE IF NOT EXISTS {db}.command_stats
(
    ts DateTime,
    ts_ms UInt64,
    cluster String,
    instance String,
    command String,
    calls UInt64,
    usec UInt64,
    rejected_calls UInt64,
    failed_calls UInt64,
    calls_delta UInt64,
    usec_delta UInt64,
    interval_ms UInt32,
    p50_us Nullable(Float64),
    p99_us Nullable(Float64),
    p999_us Nullable(Float64),
    kafka_topic String,
    kafka_partition UInt32,
    kafka_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, command, instance, ts);

CREATE TABLE IF NOT EXISTS {db}.error_stats
(
    ts DateTime,
    ts_ms UInt64,
    cluster String,
    instance String,
    error String,
    count UInt64,
    count_delta UInt64,
    kafka_topic String,
    kafka_partition UInt32,
    kafka_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, error, instance, ts);
