-- Detector state, so a restarted processor remembers what was firing and the baselines
-- it had (one row per detector and subject; the newest version wins on merge, and
-- readers take argMax so unmerged parts do not matter).
CREATE TABLE IF NOT EXISTS {table:detector_state}
(
    detector String,
    subject String,
    state String,
    updated_ms UInt64
)
ENGINE = {engine:ReplacingMergeTree(updated_ms)}
ORDER BY (detector, subject)
{shard_by:cityHash64(detector, subject)};
