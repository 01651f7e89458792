-- Minute rollups the Grafana dashboards read for every range (dashboards/README.md).
-- Raw samples arrive once per instance per second: an hour of a 2,000-instance fleet is
-- 7.2 M rows in each of info_samples, topology_samples and latency_probes, and their
-- (cluster, instance, ts) order makes "every instance over the last hour" a scan of the
-- day's partition. These hold one row per instance (or per cluster) per minute after
-- merges, ordered (cluster, bucket, …) so that a time range reads only its own minutes.
-- index_granularity 1024: a cluster's minute rows are few, and smaller granules keep a
-- "last two minutes of every cluster" read from pulling 8,192-row granules per cluster.
--
-- As in 0011_rollups.sql, every view reads the raw table the processor inserts into (a
-- view writing TO a table does not fire that table's views on 18.16), and readers always
-- use -Merge with GROUP BY, so rows of parts not yet merged never show twice.
-- Gauges are averaged over the samples that carry the field (-If on has(…)); counters
-- keep their first and last value with times, so a rate over any span of minutes is
-- (last − first) / (last time − first time) — a counter reset inside the span reads as 0.

CREATE TABLE IF NOT EXISTS {table:info_1m}
(
    cluster String,
    bucket DateTime,
    instance String,
    samples AggregateFunction(count),
    first_ms AggregateFunction(min, UInt64),
    last_ms AggregateFunction(max, UInt64),
    last_role AggregateFunction(argMax, String, UInt64),
    used_memory AggregateFunction(avgIf, Float64, UInt8),
    maxmemory AggregateFunction(avgIf, Float64, UInt8),
    connected_clients AggregateFunction(avgIf, Float64, UInt8),
    blocked_clients AggregateFunction(avgIf, Float64, UInt8),
    ops_per_sec AggregateFunction(avgIf, Float64, UInt8),
    keys_without_ttl AggregateFunction(avgIf, Float64, UInt8),
    evicted_first AggregateFunction(argMinIf, Float64, UInt64, UInt8),
    evicted_last AggregateFunction(argMaxIf, Float64, UInt64, UInt8),
    expired_first AggregateFunction(argMinIf, Float64, UInt64, UInt8),
    expired_last AggregateFunction(argMaxIf, Float64, UInt64, UInt8),
    rejected_first AggregateFunction(argMinIf, Float64, UInt64, UInt8),
    rejected_last AggregateFunction(argMaxIf, Float64, UInt64, UInt8),
    moved AggregateFunction(sum, UInt64),
    ask AggregateFunction(sum, UInt64)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (cluster, bucket, instance)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:info_1m_mv} TO {local:info_1m} AS
SELECT cluster, toStartOfMinute(ts) AS bucket, instance,
    countState() AS samples,
    minState(ts_ms) AS first_ms,
    maxState(ts_ms) AS last_ms,
    argMaxState(role, ts_ms) AS last_role,
    avgIfState(arrayElement(metric_values, indexOf(metric_names, 'used_memory')), has(metric_names, 'used_memory')) AS used_memory,
    avgIfState(arrayElement(metric_values, indexOf(metric_names, 'maxmemory')), has(metric_names, 'maxmemory')) AS maxmemory,
    avgIfState(arrayElement(metric_values, indexOf(metric_names, 'connected_clients')), has(metric_names, 'connected_clients')) AS connected_clients,
    avgIfState(arrayElement(metric_values, indexOf(metric_names, 'blocked_clients')), has(metric_names, 'blocked_clients')) AS blocked_clients,
    avgIfState(arrayElement(metric_values, indexOf(metric_names, 'instantaneous_ops_per_sec')), has(metric_names, 'instantaneous_ops_per_sec')) AS ops_per_sec,
    avgIfState(arrayElement(metric_values, indexOf(metric_names, 'keyspace_keys_without_ttl')), has(metric_names, 'keyspace_keys_without_ttl')) AS keys_without_ttl,
    argMinIfState(arrayElement(metric_values, indexOf(metric_names, 'evicted_keys')), ts_ms, has(metric_names, 'evicted_keys')) AS evicted_first,
    argMaxIfState(arrayElement(metric_values, indexOf(metric_names, 'evicted_keys')), ts_ms, has(metric_names, 'evicted_keys')) AS evicted_last,
    argMinIfState(arrayElement(metric_values, indexOf(metric_names, 'expired_keys')), ts_ms, has(metric_names, 'expired_keys')) AS expired_first,
    argMaxIfState(arrayElement(metric_values, indexOf(metric_names, 'expired_keys')), ts_ms, has(metric_names, 'expired_keys')) AS expired_last,
    argMinIfState(arrayElement(metric_values, indexOf(metric_names, 'rejected_connections')), ts_ms, has(metric_names, 'rejected_connections')) AS rejected_first,
    argMaxIfState(arrayElement(metric_values, indexOf(metric_names, 'rejected_connections')), ts_ms, has(metric_names, 'rejected_connections')) AS rejected_last,
    sumState(arrayElement(error_count_deltas, indexOf(error_names, 'MOVED'))) AS moved,
    sumState(arrayElement(error_count_deltas, indexOf(error_names, 'ASK'))) AS ask
FROM {local:info_samples}
GROUP BY cluster, bucket, instance;

-- One row per cluster per minute: the worst any observer saw. Slots and node counts
-- are per observer (CLUSTER INFO / NODES), so the minimum of slots_ok and the maximum
-- of pfail/fail across observers is what "the cluster was degraded" means.
CREATE TABLE IF NOT EXISTS {table:topology_1m}
(
    cluster String,
    bucket DateTime,
    samples AggregateFunction(count),
    observers AggregateFunction(uniq, String),
    not_ok_samples AggregateFunction(sum, UInt64),
    slots_ok_min AggregateFunction(min, UInt16),
    slots_pfail_max AggregateFunction(max, UInt16),
    slots_fail_max AggregateFunction(max, UInt16),
    nodes_pfail_max AggregateFunction(max, UInt32),
    nodes_fail_max AggregateFunction(max, UInt32),
    masters_max AggregateFunction(max, UInt32),
    known_nodes_max AggregateFunction(max, UInt32)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (cluster, bucket)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:topology_1m_mv} TO {local:topology_1m} AS
SELECT cluster, toStartOfMinute(ts) AS bucket,
    countState() AS samples,
    uniqState(instance) AS observers,
    sumState(toUInt64(cluster_state != 'ok')) AS not_ok_samples,
    minState(slots_ok) AS slots_ok_min,
    maxState(slots_pfail) AS slots_pfail_max,
    maxState(slots_fail) AS slots_fail_max,
    maxState(nodes_pfail) AS nodes_pfail_max,
    maxState(nodes_fail) AS nodes_fail_max,
    maxState(masters) AS masters_max,
    maxState(known_nodes) AS known_nodes_max
FROM {local:topology_samples}
GROUP BY cluster, bucket;

-- PING probe histograms summed per cluster per minute (bucket bounds are fixed, see
-- 0005_latency.sql), so a percentile over any span comes from the summed counts —
-- per-probe percentiles cannot be averaged. worst_us keeps the slowest single PING.
CREATE TABLE IF NOT EXISTS {table:ping_1m}
(
    cluster String,
    bucket DateTime,
    histogram AggregateFunction(sumMap, Array(UInt32), Array(UInt64)),
    answered AggregateFunction(sum, UInt64),
    failed AggregateFunction(sum, UInt64),
    worst_us AggregateFunction(max, Float64)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (cluster, bucket)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:ping_1m_mv} TO {local:ping_1m} AS
SELECT cluster, toStartOfMinute(ts) AS bucket,
    sumMapState(bucket_le_us, arrayMap(n -> toUInt64(n), bucket_counts)) AS histogram,
    sumState(toUInt64(pings_answered)) AS answered,
    sumState(toUInt64(pings_failed)) AS failed,
    maxState(max_us) AS worst_us
FROM {local:latency_probes}
GROUP BY cluster, bucket;

-- The newest CLIENT LIST summary of each instance in each minute (one every 15 s by
-- default; columns are last_* because an alias equal to its source column is refused
-- inside an aggregate): the clients dashboard reads the last minute of every instance from here
-- instead of scanning client_summaries, which is ordered by instance first.
CREATE TABLE IF NOT EXISTS {table:clients_1m}
(
    cluster String,
    bucket DateTime,
    instance String,
    last_total AggregateFunction(argMax, UInt32, UInt64),
    last_idle_over_threshold AggregateFunction(argMax, UInt32, UInt64),
    last_idle_threshold_s AggregateFunction(argMax, UInt32, UInt64),
    last_omem_total_bytes AggregateFunction(argMax, UInt64, UInt64),
    last_blocked AggregateFunction(argMax, UInt32, UInt64),
    last_by_name_keys AggregateFunction(argMax, Array(String), UInt64),
    last_by_name_counts AggregateFunction(argMax, Array(UInt32), UInt64),
    last_by_name_idle_max_s AggregateFunction(argMax, Array(UInt32), UInt64),
    last_by_name_omem_bytes AggregateFunction(argMax, Array(UInt64), UInt64),
    last_by_host_keys AggregateFunction(argMax, Array(String), UInt64),
    last_by_host_counts AggregateFunction(argMax, Array(UInt32), UInt64),
    last_by_host_idle_max_s AggregateFunction(argMax, Array(UInt32), UInt64),
    last_by_host_omem_bytes AggregateFunction(argMax, Array(UInt64), UInt64)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (cluster, bucket, instance)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:clients_1m_mv} TO {local:clients_1m} AS
SELECT cluster, toStartOfMinute(ts) AS bucket, instance,
    argMaxState(total, ts_ms) AS last_total,
    argMaxState(idle_over_threshold, ts_ms) AS last_idle_over_threshold,
    argMaxState(idle_threshold_s, ts_ms) AS last_idle_threshold_s,
    argMaxState(omem_total_bytes, ts_ms) AS last_omem_total_bytes,
    argMaxState(blocked, ts_ms) AS last_blocked,
    argMaxState(by_name_keys, ts_ms) AS last_by_name_keys,
    argMaxState(by_name_counts, ts_ms) AS last_by_name_counts,
    argMaxState(by_name_idle_max_s, ts_ms) AS last_by_name_idle_max_s,
    argMaxState(by_name_omem_bytes, ts_ms) AS last_by_name_omem_bytes,
    argMaxState(by_host_keys, ts_ms) AS last_by_host_keys,
    argMaxState(by_host_counts, ts_ms) AS last_by_host_counts,
    argMaxState(by_host_idle_max_s, ts_ms) AS last_by_host_idle_max_s,
    argMaxState(by_host_omem_bytes, ts_ms) AS last_by_host_omem_bytes
FROM {local:client_summaries}
GROUP BY cluster, bucket, instance;
