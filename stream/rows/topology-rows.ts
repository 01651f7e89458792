// TopologySampleV2 → rows of topology_samples (every sample), topology_nodes (only when the
// view changed or is a keyframe: the samples that carry the node list) and topology_changes
// (see clickhouse/migrations/0003_topology.sql for why the split).
import type { Static } from 'typebox';
import type { TopologySampleV2 } from '../../contracts/index.ts';
import { Column, rawRow } from './columns.ts';
import { sourceColumns, tableRows, type KafkaSource, type TableRows } from './source.ts';

const UINT32_MAX = 4_294_967_295;
const { string, array, u16, u32, u64 } = Column;
const at = { ts: Column.seconds(), ts_ms: u64(), cluster: string(), instance: string() };

export const TopologySampleRow = rawRow({
  ...at,
  node_id: string(),
  collector: string(),
  duration_us: u32(),
  cluster_state: string(),
  slots_assigned: u16(),
  slots_ok: u16(),
  slots_pfail: u16(),
  slots_fail: u16(),
  known_nodes: u32(),
  size: u32(),
  current_epoch: u64(),
  my_epoch: u64(),
  role: string(),
  master_id: string(),
  masters: u32(),
  replicas: u32(),
  nodes_pfail: u32(),
  nodes_fail: u32(),
  nodes_disconnected: u32(),
  view_hash: string(),
  view_changed: Column.flag(),
  keyframe: Column.flag(),
  changes: u32(),
});
export type TopologySampleRow = Static<typeof TopologySampleRow>;

export const TopologyNodeRow = rawRow({
  ...at,
  view_hash: string(),
  node_id: string(),
  addr: string(),
  host: string(),
  port: u16(),
  bus_port: u16(),
  hostname: string(),
  role: string(),
  master_id: string(),
  flags: array(string()),
  failing: string(),
  config_epoch: u64(),
  link_state: string(),
  ping_sent_ms: u64(),
  pong_recv_ms: u64(),
  slot_starts: array(u16()),
  slot_ends: array(u16()),
  slots_count: u16(),
  migrating_slots: array(u16()),
  migrating_to: array(string()),
  importing_slots: array(u16()),
  importing_from: array(string()),
  health: string(),
  replication_offset: Column.nullable(u64()),
});
export type TopologyNodeRow = Static<typeof TopologyNodeRow>;

export const TopologyChangeRow = rawRow({
  ...at,
  observer_id: string(),
  kind: string(),
  node_id: string(),
  addr: string(),
  from_value: string(),
  to_value: string(),
  slot_start: Column.nullable(u16()),
  slot_end: Column.nullable(u16()),
});
export type TopologyChangeRow = Static<typeof TopologyChangeRow>;

export function topologyRows(m: TopologySampleV2, src: KafkaSource): TableRows {
  const common = { ts: Math.floor(m.ts / 1000), ts_ms: m.ts, cluster: m.instance.cluster, instance: m.instance.id };
  const kafka = sourceColumns(src);
  const sample: TopologySampleRow = {
    ts: common.ts,
    ts_ms: common.ts_ms,
    cluster: common.cluster,
    instance: common.instance,
    node_id: m.myId,
    collector: m.collector,
    duration_us: Math.min(Math.round(m.durationUs), UINT32_MAX),
    cluster_state: m.clusterState,
    slots_assigned: m.slotsAssigned,
    slots_ok: m.slotsOk,
    slots_pfail: m.slotsPfail,
    slots_fail: m.slotsFail,
    known_nodes: m.knownNodes,
    size: m.size,
    current_epoch: m.currentEpoch,
    my_epoch: m.myEpoch,
    role: m.role,
    master_id: m.masterId,
    masters: m.masters,
    replicas: m.replicas,
    nodes_pfail: m.nodesPfail,
    nodes_fail: m.nodesFail,
    nodes_disconnected: m.nodesDisconnected,
    view_hash: m.viewHash,
    view_changed: m.viewChanged ? 1 : 0,
    keyframe: m.keyframe ? 1 : 0,
    changes: m.changes.length + (m.changesDropped ?? 0),
    kafka_topic: kafka.kafka_topic,
    kafka_partition: kafka.kafka_partition,
    kafka_offset: kafka.kafka_offset,
  };
  const nodes = !(m.viewChanged || m.keyframe)
    ? []
    : // Spelled out rather than spread: a keyframe of a 250-node cluster is 250 rows, and
      // building them with object spreads cost ~4x more (measured, stream processor CPU).
      (m.nodes ?? []).map(
        (n): TopologyNodeRow => ({
          ts: common.ts,
          ts_ms: common.ts_ms,
          cluster: common.cluster,
          instance: common.instance,
          view_hash: m.viewHash,
          node_id: n.id,
          addr: `${n.host}:${n.port}`,
          host: n.host,
          port: n.port,
          bus_port: n.busPort,
          hostname: n.hostname ?? '',
          role: n.role,
          master_id: n.masterId ?? '',
          flags: n.flags,
          failing: n.failing ?? '',
          config_epoch: n.configEpoch,
          link_state: n.linkState,
          ping_sent_ms: n.pingSentMs,
          pong_recv_ms: n.pongRecvMs,
          slot_starts: n.slots.map(([a]) => a),
          slot_ends: n.slots.map(([, b]) => b),
          slots_count: n.slots.reduce((sum, [a, b]) => sum + (b - a + 1), 0),
          migrating_slots: n.migrating.map((x) => x.slot),
          migrating_to: n.migrating.map((x) => x.to),
          importing_slots: n.importing.map((x) => x.slot),
          importing_from: n.importing.map((x) => x.from),
          health: n.health ?? '',
          replication_offset: n.replicationOffset ?? null,
          kafka_topic: kafka.kafka_topic,
          kafka_partition: kafka.kafka_partition,
          kafka_offset: kafka.kafka_offset,
        }),
      );
  const changes = m.changes.map(
    (c): TopologyChangeRow => ({
      ...common,
      observer_id: m.myId,
      kind: c.kind,
      node_id: c.nodeId,
      addr: c.addr,
      from_value: c.from,
      to_value: c.to,
      slot_start: c.slotStart ?? null,
      slot_end: c.slotEnd ?? null,
      ...kafka,
    }),
  );
  return tableRows({ topology_samples: [sample], topology_nodes: nodes, topology_changes: changes });
}
