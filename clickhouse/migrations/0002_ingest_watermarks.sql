-- Exactly-once results from at-least-once Kafka delivery.
-- (command_stats and error_stats need no watermark: they are filled from info_samples
-- by materialized views in the same INSERT.)
-- Every raw row carries its Kafka (topic, partition, offset). For each raw table a
-- materialized view keeps the highest offset written per partition; it is filled by the
-- same INSERT as the rows, so it can never claim rows that were not written. After a
-- restart or rebalance the processor reads these watermarks and skips, table by table,
-- the messages already stored. ReplacingMergeTree(max_offset) keeps the largest offset
-- per key on merge; readers use max() so unmerged parts do not matter.
CREATE TABLE IF NOT EXISTS {table:ingest_watermarks}
(
    table_name String,
    topic String,
    partition UInt32,
    max_offset UInt64
)
ENGINE = {engine:ReplacingMergeTree(max_offset)}
ORDER BY (table_name, topic, partition);
