-- granularities: 1m 1h
-- The PING probe's round trips (latency_probes, 0005) per instance per minute and per hour,
-- from one template, so "where does the time go" can put the network + queueing side beside
-- the execution side (command_histograms_*) over any range without reading every probe.
--   pings, failed   probes answered / failed
--   round_trip_us   Σ of round trips, µs (Σ mean × answered) → the mean round trip
--   pingMap         round trips per bucket, keyed by the bucket's upper bound in µs (the
--                   probe's own 2-per-power-of-two ladder, contracts/latency.ts)
CREATE TABLE IF NOT EXISTS {table:ping_probes_{g}}
(
    cluster {lc:String},
    instance {lc:String},
    bucket DateTime,
    pings UInt64,
    failed UInt64,
    round_trip_us Float64,
    pingMap Nested(le UInt32, n UInt64)
)
ENGINE = {engine:SummingMergeTree}
PARTITION BY {g_partition}(bucket)
ORDER BY (cluster, instance, bucket);

CREATE MATERIALIZED VIEW IF NOT EXISTS {view:ping_probes_{g}_mv} TO {local:ping_probes_{g}} AS
SELECT cluster, instance, {g_start}(ts) AS bucket,
    sum(pings_answered) AS pings,
    sum(pings_failed) AS failed,
    sum(mean_us * pings_answered) AS round_trip_us,
    sumMap(bucket_le_us, arrayMap(c -> toUInt64(c), bucket_counts)).1 AS `pingMap.le`,
    sumMap(bucket_le_us, arrayMap(c -> toUInt64(c), bucket_counts)).2 AS `pingMap.n`
FROM {local:latency_probes}
GROUP BY cluster, instance, bucket;
