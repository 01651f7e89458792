-- Cluster topology, as each node sees it (TopologySampleV1, contracts/topology.ts).
--
-- Volume is the design problem: a 250-node cluster sampled every second by every node
-- would be 250 × 250 = 62,500 node rows per second if each view were stored whole.
-- Views barely change, so storage is split in three:
--   topology_samples  one narrow row per observer per tick (cluster_state, slot and node
--                     counters, the view's hash): 250 rows/s for that cluster;
--   topology_nodes    the full node list, one row per (observer, node), written only when
--                     the observer's view changed (structure: roles, flags, epochs, slots,
--                     links — not ping/pong times) or as a keyframe every
--                     collector.topology.keyframeEveryMs (60 s): about 1,000 rows/s for
--                     the same cluster when nothing happens. The view of observer X at
--                     time T is its rows with the greatest ts_ms <= T (at most one keyframe
--                     interval back);
--   topology_changes  what changed between two consecutive views of an observer (role,
--                     master, pfail/fail, epochs, slot owners, links): what the failover
--                     detector and the API query, tiny.
CREATE TABLE IF NOT EXISTS {table:topology_samples}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    node_id String,
    collector {lc:String},
    duration_us UInt32,
    cluster_state String,
    slots_assigned UInt16,
    slots_ok UInt16,
    slots_pfail UInt16,
    slots_fail UInt16,
    known_nodes UInt32,
    size UInt32,
    current_epoch UInt64,
    my_epoch UInt64,
    role String,
    master_id String,
    masters UInt32,
    replicas UInt32,
    nodes_pfail UInt32,
    nodes_fail UInt32,
    nodes_disconnected UInt32,
    view_hash String,
    view_changed UInt8,
    keyframe UInt8,
    changes UInt32,
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts);

-- Slot ranges as parallel arrays (slot_starts[i]..slot_ends[i], inclusive): tuples in
-- arrays are awkward to query on 18.16, plain arrays work with arrayJoin/ARRAY JOIN.
CREATE TABLE IF NOT EXISTS {table:topology_nodes}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    view_hash String,
    node_id String,
    addr String,
    host String,
    port UInt16,
    bus_port UInt16,
    hostname String,
    role String,
    master_id String,
    flags Array(String),
    failing String,
    config_epoch UInt64,
    link_state String,
    ping_sent_ms UInt64,
    pong_recv_ms UInt64,
    slot_starts Array(UInt16),
    slot_ends Array(UInt16),
    slots_count UInt16,
    migrating_slots Array(UInt16),
    migrating_to Array(String),
    importing_slots Array(UInt16),
    importing_from Array(String),
    health String,
    replication_offset Nullable(UInt64),
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, instance, ts, node_id);

-- One row per change per observer: several observers report the same event, which is
-- what lets the detector tell one node's opinion from the cluster's.
-- from_value/to_value: roles, node ids, `none`/`pfail`/`fail`, epochs, slot lists.
-- For kind = 'slots', node_id is the new owner of slot_start..slot_end ('' = unassigned).
CREATE TABLE IF NOT EXISTS {table:topology_changes}
(
    ts DateTime {codec:DoubleDelta, LZ4},
    ts_ms UInt64 {codec:DoubleDelta, LZ4},
    cluster {lc:String},
    instance {lc:String},
    observer_id String,
    kind String,
    node_id String,
    addr String,
    from_value String,
    to_value String,
    slot_start Nullable(UInt16),
    slot_end Nullable(UInt16),
    {kafka_columns}
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMMDD(ts)
ORDER BY (cluster, ts, kind, node_id);
