-- One row per INFO sample: ~2,000 rows/s for a 2,000-instance fleet at a 1 s interval.
-- Every numeric INFO field travels in two parallel arrays instead of one row per field
-- (which would be ~800,000 rows/s for the same fleet); the names compress to almost
-- nothing because they repeat row after row. Commandstats and errorstats travel as
-- parallel arrays too, and materialized views below fan them out into per-command and
-- per-error tables inside ClickHouse, in the same INSERT — the processor sends one row
-- per sample, never thirty.
-- Written for ClickHouse 18.16 and current releases with the placeholders of
-- clickhouse/expand.ts: {lc:…} and {codec:…} become LowCardinality and CODEC only where the
-- server has them; no DateTime64 or query parameters; retention drops daily partitions (and
-- is a TTL where the server has one, clickhouse/retention.ts).
CREATE TABLE IF NOT EXISTS {table:info_samples}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    host String,
    role String,
    version String,
    collector {lc:String},
    duration_us UInt32,
    interval_ms UInt32,
    metric_names Array(String),
    metric_values Array(Float64),
    text_names Array(String),
    text_values Array(String),
    command_names Array(String),
    command_calls Array(UInt64),
    command_usec Array(UInt64),
    command_rejected_calls Array(UInt64),
    command_failed_calls Array(UInt64),
    command_calls_delta Array(UInt64),
    command_usec_delta Array(UInt64),
    command_p50_us Array(Nullable(Float64)),
    command_p99_us Array(Nullable(Float64)),
    command_p999_us Array(Nullable(Float64)),
    error_names Array(String),
    error_counts Array(UInt64),
    error_count_deltas Array(UInt64),
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts);

-- One row per command per INFO sample (commandstats + latencystats). Counters are
-- cumulative as Redis reports them; the *_delta columns are the change since the
-- previous sample of the same instance (0 on the first sample; after a restart or
-- CONFIG RESETSTAT, the new value). latencystats percentiles are Redis's own, cumulative
-- since the server started or was reset; NULL where the server has no latencystats.
CREATE TABLE IF NOT EXISTS {table:command_stats}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    command {lc:String},
    calls UInt64,
    usec UInt64,
    rejected_calls UInt64,
    failed_calls UInt64,
    calls_delta UInt64,
    usec_delta UInt64,
    interval_ms UInt32,
    p50_us Nullable(Float64),
    p99_us Nullable(Float64),
    p999_us Nullable(Float64)
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, command, instance, ts);

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:command_stats_mv} TO {local:command_stats} AS
SELECT ts, ts_ms, cluster, instance, command, calls, usec, rejected_calls, failed_calls, calls_delta, usec_delta, interval_ms, p50_us, p99_us, p999_us
FROM {local:info_samples}
ARRAY JOIN
    command_names AS command,
    command_calls AS calls,
    command_usec AS usec,
    command_rejected_calls AS rejected_calls,
    command_failed_calls AS failed_calls,
    command_calls_delta AS calls_delta,
    command_usec_delta AS usec_delta,
    command_p50_us AS p50_us,
    command_p99_us AS p99_us,
    command_p999_us AS p999_us;

-- errorstats per error prefix: MOVED and ASK here are the redirects clients suffer
-- during resharding.
CREATE TABLE IF NOT EXISTS {table:error_stats}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    error {lc:String},
    count UInt64,
    count_delta UInt64
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, error, instance, ts);

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:error_stats_mv} TO {local:error_stats} AS
SELECT ts, ts_ms, cluster, instance, error, count, count_delta
FROM {local:info_samples}
ARRAY JOIN error_names AS error, error_counts AS count, error_count_deltas AS count_delta;
