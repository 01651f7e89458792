-- granularities: 1s 1m 1h
-- Per-call latency per command, one summing table per granularity, all made from this one
-- template (migrate.ts repeats every statement with {g} once per granularity above):
--   command_histograms_1s  per sample (kept 1 day): ranges up to an hour
--   command_histograms_1m  per minute: ranges up to two days
--   command_histograms_1h  per hour (kept 400 days): longer ranges
-- Filled by the INSERT of info_samples itself (materialized views), so a sample is in every
-- granularity as soon as it is stored.
--
-- One row per (cluster, instance, command, bucket), and one more per (cluster, command,
-- bucket) with instance = '': every instance of the cluster summed, so a cluster-wide
-- answer reads one row per bucket instead of one per instance. Counts only ever add up, so
-- SummingMergeTree merges rows of the same key in the background — columns summed, the
-- *Map Nested columns summed per key (le) — and readers sum again with GROUP BY and
-- sumMap(…Map.le, …Map.n), which is correct whether or not parts have merged. A row holds
-- at most 21 buckets (contracts/latency-buckets.ts).
--   calls, usec    commandstats calls and microseconds → calls/s and the mean (µs/call)
--   latencyMap     calls per execution-time bucket (LATENCY HISTOGRAM): percentiles of calls
--   meanMap        samples per bucket of their mean latency, only from samples without a
--                  histogram (Redis < 7): the labelled fallback, percentiles of means
--
-- Ordered (cluster, instance, command, bucket): a cluster-wide question reads the instance = ''
-- rows of each command, a short range of each; index_granularity 1024 keeps those reads from
-- pulling 8,192-row granules per command.
--
-- 18.16 notes: a materialized view here cannot read a subquery (its aliases are lost when
-- the view runs), cannot have two ARRAY JOINs, and every column it outputs must exist in
-- the target (so no helper aliases). arrayJoin([instance, '']) AS instance is accepted on
-- 18.16 and current releases alike.
CREATE TABLE IF NOT EXISTS {table:command_histograms_{g}}
(
    cluster {lc:String},
    instance {lc:String},
    command {lc:String},
    bucket DateTime,
    calls UInt64,
    usec UInt64,
    latencyMap Nested(le UInt8, n UInt64),
    meanMap Nested(le UInt8, n UInt64)
)
ENGINE = {engine:SummingMergeTree}
PARTITION BY {g_partition}(bucket)
ORDER BY (cluster, instance, command, bucket)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:command_histograms_{g}_mv} TO {local:command_histograms_{g}} AS
SELECT cluster, arrayJoin([instance, '']) AS instance, command, {g_start}(ts) AS bucket,
    sum(calls_delta) AS calls,
    sum(usec_delta) AS usec,
    sumMap(le, n).1 AS `latencyMap.le`,
    sumMap(le, n).2 AS `latencyMap.n`,
    sumMap(if(mb = 255, emptyArrayUInt8(), [mb]), if(mb = 255, emptyArrayUInt64(), [toUInt64(1)])).1 AS `meanMap.le`,
    sumMap(if(mb = 255, emptyArrayUInt8(), [mb]), if(mb = 255, emptyArrayUInt64(), [toUInt64(1)])).2 AS `meanMap.n`
FROM {local:info_samples}
ARRAY JOIN
    command_names AS command,
    command_calls_delta AS calls_delta,
    command_usec_delta AS usec_delta,
    command_latency_le AS le,
    command_latency_n AS n,
    command_mean_bucket AS mb
WHERE calls_delta > 0 OR notEmpty(n)
GROUP BY cluster, instance, command, bucket;
