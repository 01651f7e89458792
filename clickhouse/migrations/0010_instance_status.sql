-- Reachability of each instance as its collector sees it: a row on every change and
-- every 30 s while an instance is down.
CREATE TABLE IF NOT EXISTS {table:instance_status}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    collector {lc:String},
    reachable UInt8,
    error {lc:String},
    since_ms UInt64,
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts);
