-- Rollups the API reads instead of raw samples (api/queries/latency-tier.ts picks one):
--   command_latency_1m          (cluster, command, instance, minute)
--   command_latency_cluster_1m  (cluster, command, minute)      ← cluster-wide ranges read these,
--   command_latency_1h          (cluster, command, instance, hour)  one row per command per bucket
--   command_latency_cluster_1h  (cluster, command, hour)
--   instance_inventory          (cluster, instance): last INFO sample of every instance
-- A 24 h cluster-wide per-command query reads ~1,440 rows per command from the cluster
-- minute table (or 24 hour rows plus the minute edges) instead of instances × 86,400 raw rows.
--
-- Columns per latency bucket:
--   calls_sum, usec_sum  sum of commandstats deltas → calls/s and usec/call exact.
--   mean_us_quantiles    t-digest of the per-sample mean latency (usec_delta / calls_delta,
--                        over samples with calls_delta > 0): its p50/p90/p99/p99.9 are the
--                        distribution of per-sample (per-second by default) per-instance
--                        MEAN latency, not of single calls. Redis's own cumulative per-call
--                        percentiles (latencystats, Redis ≥ 7) stay in command_stats.
--
-- Why every view reads info_samples (with the same ARRAY JOIN as command_stats_mv) and not
-- command_stats: on 18.16 a materialized view writing TO a table does not fire the views
-- of that table (checked: rows reach command_stats, none reach a view on it), so views
-- chained on command_stats would stay empty there while current ClickHouse fills them.
-- Reading the source table behaves the same on both.
--
-- AggregatingMergeTree merges rows of one key in the background; readers always use the
-- -Merge combinators with GROUP BY, so unmerged parts never show as duplicates.
CREATE TABLE IF NOT EXISTS {table:command_latency_1m}
(
    cluster {lc:String},
    command {lc:String},
    instance {lc:String},
    bucket DateTime,
    calls_sum AggregateFunction(sum, UInt64),
    usec_sum AggregateFunction(sum, UInt64),
    mean_us_quantiles AggregateFunction(quantilesTDigest(0.5, 0.9, 0.99, 0.999), Float64)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (cluster, command, instance, bucket);

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:command_latency_1m_mv} TO {local:command_latency_1m} AS
SELECT cluster, command, instance, toStartOfMinute(ts) AS bucket,
    sumState(calls_delta) AS calls_sum, sumState(usec_delta) AS usec_sum,
    quantilesTDigestState(0.5, 0.9, 0.99, 0.999)(usec_delta / calls_delta) AS mean_us_quantiles
FROM {local:info_samples}
ARRAY JOIN command_names AS command, command_calls_delta AS calls_delta, command_usec_delta AS usec_delta
WHERE calls_delta > 0
GROUP BY cluster, command, instance, bucket;

CREATE TABLE IF NOT EXISTS {table:command_latency_cluster_1m}
(
    cluster {lc:String},
    command {lc:String},
    bucket DateTime,
    calls_sum AggregateFunction(sum, UInt64),
    usec_sum AggregateFunction(sum, UInt64),
    mean_us_quantiles AggregateFunction(quantilesTDigest(0.5, 0.9, 0.99, 0.999), Float64)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (cluster, command, bucket);

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:command_latency_cluster_1m_mv} TO {local:command_latency_cluster_1m} AS
SELECT cluster, command, toStartOfMinute(ts) AS bucket,
    sumState(calls_delta) AS calls_sum, sumState(usec_delta) AS usec_sum,
    quantilesTDigestState(0.5, 0.9, 0.99, 0.999)(usec_delta / calls_delta) AS mean_us_quantiles
FROM {local:info_samples}
ARRAY JOIN command_names AS command, command_calls_delta AS calls_delta, command_usec_delta AS usec_delta
WHERE calls_delta > 0
GROUP BY cluster, command, bucket;

CREATE TABLE IF NOT EXISTS {table:command_latency_1h}
(
    cluster {lc:String},
    command {lc:String},
    instance {lc:String},
    bucket DateTime,
    calls_sum AggregateFunction(sum, UInt64),
    usec_sum AggregateFunction(sum, UInt64),
    mean_us_quantiles AggregateFunction(quantilesTDigest(0.5, 0.9, 0.99, 0.999), Float64)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY toYYYYMM(bucket)
ORDER BY (cluster, command, instance, bucket);

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:command_latency_1h_mv} TO {local:command_latency_1h} AS
SELECT cluster, command, instance, toStartOfHour(ts) AS bucket,
    sumState(calls_delta) AS calls_sum, sumState(usec_delta) AS usec_sum,
    quantilesTDigestState(0.5, 0.9, 0.99, 0.999)(usec_delta / calls_delta) AS mean_us_quantiles
FROM {local:info_samples}
ARRAY JOIN command_names AS command, command_calls_delta AS calls_delta, command_usec_delta AS usec_delta
WHERE calls_delta > 0
GROUP BY cluster, command, instance, bucket;

CREATE TABLE IF NOT EXISTS {table:command_latency_cluster_1h}
(
    cluster {lc:String},
    command {lc:String},
    bucket DateTime,
    calls_sum AggregateFunction(sum, UInt64),
    usec_sum AggregateFunction(sum, UInt64),
    mean_us_quantiles AggregateFunction(quantilesTDigest(0.5, 0.9, 0.99, 0.999), Float64)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY toYYYYMM(bucket)
ORDER BY (cluster, command, bucket);

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:command_latency_cluster_1h_mv} TO {local:command_latency_cluster_1h} AS
SELECT cluster, command, toStartOfHour(ts) AS bucket,
    sumState(calls_delta) AS calls_sum, sumState(usec_delta) AS usec_sum,
    quantilesTDigestState(0.5, 0.9, 0.99, 0.999)(usec_delta / calls_delta) AS mean_us_quantiles
FROM {local:info_samples}
ARRAY JOIN command_names AS command, command_calls_delta AS calls_delta, command_usec_delta AS usec_delta
WHERE calls_delta > 0
GROUP BY cluster, command, bucket;

-- The newest INFO facts per instance, so inventory reads one row per instance instead of
-- scanning samples. argMax by ts_ms: the values of the newest sample win on merge.
-- Metrics missing from a sample read as 0 (arrayElement with index 0). Columns are named
-- last_* because an alias equal to its source column (`argMaxState(role, …) AS role`)
-- is refused as an aggregate inside an aggregate.
CREATE TABLE IF NOT EXISTS {table:instance_inventory}
(
    cluster {lc:String},
    instance {lc:String},
    first_seen_ms AggregateFunction(min, UInt64),
    last_seen_ms AggregateFunction(max, UInt64),
    last_host AggregateFunction(argMax, String, UInt64),
    last_role AggregateFunction(argMax, String, UInt64),
    last_version AggregateFunction(argMax, String, UInt64),
    last_interval_ms AggregateFunction(argMax, UInt32, UInt64),
    used_memory_bytes AggregateFunction(argMax, Float64, UInt64),
    connected_clients AggregateFunction(argMax, Float64, UInt64),
    ops_per_sec AggregateFunction(argMax, Float64, UInt64),
    uptime_s AggregateFunction(argMax, Float64, UInt64)
)
ENGINE = {engine:AggregatingMergeTree}
ORDER BY (cluster, instance);

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:instance_inventory_mv} TO {local:instance_inventory} AS
SELECT cluster, instance,
    minState(ts_ms) AS first_seen_ms,
    maxState(ts_ms) AS last_seen_ms,
    argMaxState(host, ts_ms) AS last_host,
    argMaxState(role, ts_ms) AS last_role,
    argMaxState(version, ts_ms) AS last_version,
    argMaxState(interval_ms, ts_ms) AS last_interval_ms,
    argMaxState(arrayElement(metric_values, indexOf(metric_names, 'used_memory')), ts_ms) AS used_memory_bytes,
    argMaxState(arrayElement(metric_values, indexOf(metric_names, 'connected_clients')), ts_ms) AS connected_clients,
    argMaxState(arrayElement(metric_values, indexOf(metric_names, 'instantaneous_ops_per_sec')), ts_ms) AS ops_per_sec,
    argMaxState(arrayElement(metric_values, indexOf(metric_names, 'uptime_in_seconds')), ts_ms) AS uptime_s
FROM {local:info_samples}
GROUP BY cluster, instance;
