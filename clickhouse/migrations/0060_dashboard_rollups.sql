-- Minute rollups the Grafana dashboards read for every range (dashboards/README.md),
-- each defined once in clickhouse/rollups.ts (its table and the view that fills it).
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

{rollup:info};

-- One row per cluster per minute: the worst any observer saw.
{rollup:topology};

-- PING probe histograms summed per cluster per minute.
{rollup:ping};

-- The newest CLIENT LIST summary of each instance in each minute.
{rollup:clients};
