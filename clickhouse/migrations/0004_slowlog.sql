-- SLOWLOG entries (SlowlogSampleV1, contracts/slowlog.ts), one row per entry, each sent
-- once by the collector. ts is when Redis logged the entry (not when it was sampled), so
-- "slow commands of cluster X / instance Y between A and B" reads one key range:
-- ORDER BY (cluster, instance, ts). Cluster-wide time ranges still prune well because a
-- cluster has at most a few hundred instances.
-- args are already truncated and redacted by the collector (`?` = hidden value).
-- sample_missed/sample_reset repeat the sample's figures on each of its rows: entries
-- lost before they could be read, and whether the log restarted (Redis restart).
CREATE TABLE IF NOT EXISTS {table:slowlog}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    sample_ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    host String,
    collector {lc:String},
    run_id String,
    entry_id UInt64,
    duration_us UInt64,
    command {lc:String},
    args Array(String),
    arg_count UInt32,
    args_truncated UInt8,
    client_addr String,
    client_name String,
    sample_missed UInt32,
    sample_reset UInt8,
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts, entry_id);
