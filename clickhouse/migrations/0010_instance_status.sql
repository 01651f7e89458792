-- Reachability of each instance as its collector sees it: a row on every change and
-- every 30 s while an instance is down.
CREATE TABLE IF NOT EXISTS {db}.instance_status
(
    ts DateTime,
    ts_ms UInt64,
    cluster String,
    instance String,
    collector String,
    reachable UInt8,
    error String,
    since_ms UInt64,
    kafka_topic String,
    kafka_partition UInt32,
    kafka_offset UInt64
)
ENGINE = MergeTree
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.instance_status_watermark TO {db}.ingest_watermarks AS
SELECT 'instance_status' AS table_name, kafka_topic AS topic, kafka_partition AS partition, max(kafka_offset) AS max_offset
FROM {db}.instance_status
GROUP BY kafka_topic, kafka_partition;
