-- Stage 5 alerts: what the channel was told about an event's cause (a cause found after a
-- failover was announced is sent as a follow-up), and silences.

ALTER TABLE {table:alert_state} ADD COLUMN notified_cause String DEFAULT '' AFTER notified_flapping;
ALTER TABLE {table:alert_state} ADD COLUMN cause_at_ms UInt64 DEFAULT 0 AFTER notified_cause;

-- Silences (contracts/silence.ts): one row per change, the newest version of each id wins
-- (FINAL). Small: kept whole, no partitions, no retention.
CREATE TABLE IF NOT EXISTS {table:silences}
(
    id String,
    version UInt64,
    matchers String,
    starts_at_ms UInt64,
    ends_at_ms UInt64,
    created_by String,
    comment String,
    created_at_ms UInt64,
    updated_at_ms UInt64
)
ENGINE = {engine:ReplacingMergeTree(version)}
ORDER BY id;
