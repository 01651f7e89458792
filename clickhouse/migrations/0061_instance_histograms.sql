-- granularities: 1m
-- Per-call latency per instance with every command summed: what "where does the time go,
-- per instance" (Command latency dashboard) reads. command_histograms_1m holds one row per
-- instance, command and minute; summing its commands for an hour of a 2,000-instance fleet
-- read millions of rows, against the dashboards' 250,000-row budget (dashboards/README.md).
-- Here it is one row per instance and minute: 120,000 for that hour.
--   calls, usec    commandstats calls and microseconds, every command
--   latencyMap     calls per execution-time bucket (LATENCY HISTOGRAM), every command
--
-- Filled by the INSERT of info_samples (materialized view) from this migration on; minutes
-- stored before it are not backfilled, so the table shows them empty.
CREATE TABLE IF NOT EXISTS {table:instance_histograms_{g}}
(
    cluster {lc:String},
    instance {lc:String},
    bucket DateTime,
    calls UInt64,
    usec UInt64,
    latencyMap Nested(le UInt8, n UInt64)
)
ENGINE = {engine:SummingMergeTree}
PARTITION BY {g_partition}(bucket)
ORDER BY (cluster, instance, bucket);

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:instance_histograms_{g}_mv} TO {local:instance_histograms_{g}} AS
SELECT cluster, instance, {g_start}(ts) AS bucket,
    sum(calls_delta) AS calls,
    sum(usec_delta) AS usec,
    sumMap(le, n).1 AS `latencyMap.le`,
    sumMap(le, n).2 AS `latencyMap.n`
FROM {local:info_samples}
ARRAY JOIN
    command_calls_delta AS calls_delta,
    command_usec_delta AS usec_delta,
    command_latency_le AS le,
    command_latency_n AS n
WHERE calls_delta > 0 OR notEmpty(n)
GROUP BY cluster, instance, bucket;
