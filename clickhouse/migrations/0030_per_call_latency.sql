-- Stage 6: per-call response times from Redis's LATENCY HISTOGRAM (contracts/info-sample.ts,
-- `latencyBuckets` per command). The T-Digest rollups of 0011 (percentiles of per-sample
-- MEAN latency, and the states that cut the processor's backlog drain to a third) are
-- retired: the summing bucket tables of 0031 answer every question they did, with
-- percentiles of calls, and their fallback for servers without the histogram (meanMap)
-- keeps the old mean-based figures for Redis < 7.
-- Its views first, then its tables (clickhouse/rollups.ts defines them).
{drop_rollup:command_latency};

-- Per command, aligned with command_names (stream/rows/info-rows.ts fills them):
--   command_latency_le / _n  the interval's calls per execution-time bucket, sparse: bucket
--                            numbers (contracts/latency-buckets.ts) and their calls; empty
--                            where the sample has no histogram for the command.
--   command_mean_bucket      for a command with calls but no histogram in this sample (the
--                            server lacks LATENCY HISTOGRAM, or it failed): the bucket of the
--                            sample's mean latency (usec_delta / calls_delta); 255 = none.
-- latency_histogram: the sample's latencyHistogram ('ok', 'unsupported', …; '' from older collectors).
-- 18.16 has no ADD COLUMN IF NOT EXISTS; migrate.ts accepts a column already added.
ALTER TABLE {table:info_samples} ADD COLUMN command_latency_le Array(Array(UInt8)) AFTER command_p999_us;
ALTER TABLE {table:info_samples} ADD COLUMN command_latency_n Array(Array(UInt64)) AFTER command_latency_le;
ALTER TABLE {table:info_samples} ADD COLUMN command_mean_bucket Array(UInt8) AFTER command_latency_n;
ALTER TABLE {table:info_samples} ADD COLUMN latency_histogram String AFTER command_mean_bucket;
