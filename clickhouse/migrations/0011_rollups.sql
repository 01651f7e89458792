-- Rollups the API reads instead of raw samples (api/queries/latency-tier.ts picks one),
-- defined once in clickhouse/rollups.ts and written out per granularity and scope:
--   command_latency_1m          (cluster, command, instance, minute)
--   command_latency_cluster_1m  (cluster, command, minute)      ← cluster-wide ranges read these,
--   command_latency_1h          (cluster, command, instance, hour)  one row per command per bucket
--   command_latency_cluster_1h  (cluster, command, hour)
--   instance_inventory          (cluster, instance): last INFO sample of every instance
-- (The command_latency tables were retired by 0030_per_call_latency.sql.)
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
{rollup:command_latency};

-- The newest INFO facts per instance, so inventory reads one row per instance instead of
-- scanning samples. Metrics missing from a sample read as 0 (arrayElement with index 0).
{rollup:instance_inventory};
