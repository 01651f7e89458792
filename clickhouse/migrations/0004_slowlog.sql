-- SLOWLOG entries (SlowlogSampleV1, contracts/slowlog.ts), one row per entry, each sent
-- once by the collector. ts is when Redis logged the entry (not when it was sampled), so
-- "slow commands of cluster X / instance Y between A and B" reads one key range:
-- ORDER BY (cluster, instance, ts). Cluster-wide time ranges still prune well because a
-- cluster has at most a few hundred instances.
-- args are already truncated and redacted by the collector (`?` = hidden value).
-- sample_missed/sample_reset repeat the sample's figures on each of its rows: entries
-- lost before they could be read, and whether the log restarted (Redis restart).
CREATE TABLE IF NOT EXISTS {db}.slowlog
(
    ts DateTime,
    sample_ts_ms UInt64,
    cluster String,
    instance String,
    host String,
    collector String,
    run_id String,
    entry_id UInt64,
    duration_us UInt64,
    command String,
    args Array(String),
    arg_count UInt32,
    args_truncated UInt8,
    client_addr String,
    client_name String,
    sample_missed UInt32,
    sample_reset UInt8,
    kafka_topic String,
    kafka_partition UInt32,
    kafka_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts, entry_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.slowlog_watermark TO {db}.ingest_watermarks AS
SELECT 'slowlog' AS table_name, kafka_topic AS topic, kafka_partition AS partition, max(kafka_offset) AS max_offset
FROM {db}.slowlog
GROUP BY kafka_topic, kafka_partition;
