-- Alerts: current state per fingerprint, the history of every transition, and chat deliveries.
-- Retention drops monthly partitions of the history tables.

-- The alert manager's lifecycle state, one row per fingerprint after merges. Every change
-- inserts a new row with a higher version; readers use FINAL so unmerged parts do not
-- matter. The manager reloads it at start (or when Kafka hands it a partition), which is
-- what makes cooldown, repeat interval and "was the firing ever sent" survive a restart.
CREATE TABLE IF NOT EXISTS {table:alert_state}
(
    fingerprint String,
    -- Partition of redscope.alerts.v1 the fingerprint is keyed to: its owner reloads by partition.
    kafka_partition UInt32,
    version UInt64,
    updated_at DateTime,
    rule String,
    cluster {lc:String},
    instance {lc:String},
    severity String,
    status String,
    firing_since_ms UInt64,
    resolved_at_ms UInt64,
    last_event_ts_ms UInt64,
    changed_at_ms UInt64,
    notified_status String,
    last_notified_ms UInt64,
    flaps UInt32,
    notified_flapping UInt8,
    -- The latest AlertEventV1 as JSON: what a message after a restart is rendered from.
    event String
)
ENGINE = {engine:ReplacingMergeTree(version)}
ORDER BY fingerprint
{shard_by:cityHash64(fingerprint)};

-- Every lifecycle transition (fired, resolved, notified), for the API's alert history.
-- A transition replayed after a crash has the same sorting key (event time, transition)
-- and collapses on merge; readers that must not see a duplicate use FINAL.
CREATE TABLE IF NOT EXISTS {table:alerts}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    fingerprint String,
    rule String,
    cluster {lc:String},
    instance {lc:String},
    severity String,
    transition String,
    status String,
    summary String,
    details String,
    hints Array(String),
    label_names Array(String),
    label_values Array(String),
    -- For `notified`: the receiver and the notification id; empty otherwise.
    receiver String,
    notification_id String
)
ENGINE = {engine:ReplacingMergeTree}
PARTITION BY toYYYYMM(ts)
ORDER BY (cluster, rule, fingerprint, ts_ms, transition, receiver)
{shard_by:cityHash64(fingerprint)};

-- One row per notification that left the outbox: delivered (`ok`) or given up (`failed`,
-- with the reason). Chat delivery checks it before sending, so a message replayed from
-- Kafka after a crash is not sent twice. URLs here are redacted.
CREATE TABLE IF NOT EXISTS {table:alert_deliveries}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    id String,
    receiver String,
    receiver_type String,
    cluster {lc:String},
    rule String,
    fingerprints Array(String),
    outcome String,
    attempts UInt32,
    http_status UInt16,
    reason String,
    endpoint String
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMM(ts)
ORDER BY (id, ts)
{shard_by:cityHash64(id)};
