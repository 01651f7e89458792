-- CLIENT LIST summaries (ClientsSampleV1, contracts/clients.ts): one row per instance per
-- sample (15 s by default). The top-N groups by client name and by client host are
-- parallel arrays (keys[i], counts[i], …), like info_samples' metrics.
CREATE TABLE IF NOT EXISTS {table:client_summaries}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    collector {lc:String},
    total UInt32,
    replicas UInt32,
    masters UInt32,
    pubsub UInt32,
    blocked UInt32,
    in_multi UInt32,
    idle_max_s UInt32,
    idle_threshold_s UInt32,
    idle_over_threshold UInt32,
    omem_total_bytes UInt64,
    omem_max_bytes UInt64,
    omem_max_name String,
    omem_max_addr String,
    qbuf_total_bytes UInt64,
    tot_mem_total_bytes UInt64,
    names_distinct UInt32,
    hosts_distinct UInt32,
    by_name_keys Array(String),
    by_name_counts Array(UInt32),
    by_name_idle_max_s Array(UInt32),
    by_name_omem_bytes Array(UInt64),
    by_host_keys Array(String),
    by_host_counts Array(UInt32),
    by_host_idle_max_s Array(UInt32),
    by_host_omem_bytes Array(UInt64),
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts);

-- Config audits (ConfigAuditSampleV1, contracts/config-audit.ts), every 5 min by default.
-- config_audits has one row per audit, so "audited and clean" (findings = 0) is visible;
-- config_findings one row per finding. Current findings of an instance: the rows of its
-- latest audit (max(ts_ms) in config_audits).
CREATE TABLE IF NOT EXISTS {table:config_audits}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    collector {lc:String},
    role String,
    version String,
    rules_checked Array(String),
    findings UInt32,
    critical UInt32,
    warning UInt32,
    info UInt32,
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts);

CREATE TABLE IF NOT EXISTS {table:config_findings}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    role String,
    rule String,
    severity String,
    setting String,
    value String,
    recommendation String,
    message String,
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts, rule);
