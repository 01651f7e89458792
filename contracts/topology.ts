import Type, { type Static } from 'typebox';
import { InstanceRef } from './instance.ts';

// One observer's view of its cluster: CLUSTER INFO + CLUSTER NODES (+ CLUSTER SHARDS on
// Redis ≥ 7), sampled every second by default, once per instance. The failover detector
// compares the views of several observers, so every node reports what *it* sees.

const Count = Type.Integer({ minimum: 0 });
const Slot = Type.Integer({ minimum: 0, maximum: 16383 });
const NodeId = Type.String({ maxLength: 64 });

export const TopologyNode = Type.Object(
  {
    id: NodeId,
    host: Type.String({ maxLength: 255 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    busPort: Type.Integer({ minimum: 0, maximum: 65535 }),
    /** Announced hostname (Redis ≥ 7, `cluster-announce-hostname`), when set. */
    hostname: Type.Optional(Type.String({ maxLength: 255 })),
    role: Type.Union([Type.Literal('master'), Type.Literal('replica'), Type.Literal('unknown')]),
    /** The master's node id, for a replica. */
    masterId: Type.Optional(NodeId),
    /** CLUSTER NODES flags as Redis prints them (`myself`, `master`, `slave`, `fail?`, `fail`, `handshake`, `noaddr`, `nofailover`, …). */
    flags: Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 }),
    /** `pfail` (this observer suspects the node: `fail?`), `fail` (the cluster agreed), or null. */
    failing: Type.Union([Type.Literal('pfail'), Type.Literal('fail'), Type.Null()]),
    configEpoch: Count,
    linkState: Type.Union([Type.Literal('connected'), Type.Literal('disconnected')]),
    /** Unix ms of the last PING sent to the node still unanswered (0 = none pending). */
    pingSentMs: Count,
    /** Unix ms of the last PONG received from the node. */
    pongRecvMs: Count,
    /** Owned slot ranges, inclusive, as [first, last]. Replicas own none. */
    slots: Type.Array(Type.Tuple([Slot, Slot]), { maxItems: 16384 }),
    /** Slots this node is moving out (`[slot->-node]`). */
    migrating: Type.Array(Type.Object({ slot: Slot, to: NodeId }, { additionalProperties: false }), {
      maxItems: 16384,
    }),
    /** Slots this node is receiving (`[slot-<-node]`). */
    importing: Type.Array(Type.Object({ slot: Slot, from: NodeId }, { additionalProperties: false }), {
      maxItems: 16384,
    }),
    /** From CLUSTER SHARDS (Redis ≥ 7): `online`, `failed` or `loading`. */
    health: Type.Optional(Type.String({ maxLength: 20 })),
    /** From CLUSTER SHARDS (Redis ≥ 7): replication offset in bytes. */
    replicationOffset: Type.Optional(Count),
  },
  { additionalProperties: false },
);
export type TopologyNode = Static<typeof TopologyNode>;

export const TopologyChangeKind = Type.Union([
  Type.Literal('node-added'),
  Type.Literal('node-removed'),
  Type.Literal('role'),
  Type.Literal('master'),
  Type.Literal('failing'),
  Type.Literal('flags'),
  Type.Literal('config-epoch'),
  Type.Literal('link'),
  Type.Literal('address'),
  Type.Literal('slots'),
  Type.Literal('migrating'),
  Type.Literal('importing'),
  Type.Literal('cluster-state'),
  Type.Literal('current-epoch'),
]);
export type TopologyChangeKind = Static<typeof TopologyChangeKind>;

/**
 * One difference between this observer's previous view and the current one.
 * `from`/`to` are text: a role, a node id, a flag list, an epoch, `pfail`/`fail`/`none`,
 * a slot list; '' where there was nothing. For `slots`, `nodeId` is the new owner ('' when
 * the range became unassigned) and `from`/`to` the old/new owner ids of slotStart..slotEnd.
 */
export const TopologyChange = Type.Object(
  {
    kind: TopologyChangeKind,
    /** The node the change is about; '' for cluster-wide changes (cluster-state, current-epoch). */
    nodeId: NodeId,
    /** host:port of that node as this observer sees it ('' for cluster-wide changes). */
    addr: Type.String({ maxLength: 300 }),
    from: Type.String({ maxLength: 2048 }),
    to: Type.String({ maxLength: 2048 }),
    slotStart: Type.Optional(Slot),
    slotEnd: Type.Optional(Slot),
  },
  { additionalProperties: false },
);
export type TopologyChange = Static<typeof TopologyChange>;

/**
 * Topic `redscope.topology.v2`, keyed by cluster. Every sample carries the observer's
 * counters and a summary of its view; the node list only when the view changed or as a
 * keyframe (`viewChanged || keyframe`), because a 250-node list is ~70 KB and views
 * rarely change: a 2,000-instance fleet would otherwise send ~140 MB/s of JSON.
 *
 * Rebuilding an observer's view: keep the `nodes` of its latest sample that carried them.
 * A sample without `nodes` has the same structural view (same `viewHash`): roles, masters,
 * flags, failing state, epochs, links, slots and migrations are unchanged, and only
 * ping/pong times and replication offsets (not carried) have moved. A consumer that
 * starts mid-stream, or sees a `viewHash` it holds no nodes for, has the full view again
 * at the observer's next keyframe (collector.topology.keyframeEveryMs, 60 s by default).
 */
export const TopologySampleV2 = Type.Object(
  {
    v: Type.Literal(2),
    kind: Type.Literal('topology'),
    /** Sample time, unix milliseconds. */
    ts: Type.Integer({ minimum: 946684800000, maximum: 4102444800000 }),
    instance: InstanceRef,
    collector: Type.String({ maxLength: 255 }),
    /** CLUSTER INFO + NODES (+ SHARDS) round trip, microseconds. */
    durationUs: Count,
    /** CLUSTER MYID of the observer. */
    myId: NodeId,
    /** CLUSTER INFO `cluster_state`: `ok`, or `fail` when some slot is unserved. */
    clusterState: Type.String({ maxLength: 20 }),
    slotsAssigned: Count,
    slotsOk: Count,
    slotsPfail: Count,
    slotsFail: Count,
    knownNodes: Count,
    /** Masters serving at least one slot. */
    size: Count,
    currentEpoch: Count,
    myEpoch: Count,
    /** The observer's own role (from its `myself` line). */
    role: Type.Union([Type.Literal('master'), Type.Literal('replica'), Type.Literal('unknown')]),
    /** The observer's master, when it is a replica ('' otherwise). */
    masterId: Type.String({ maxLength: 64 }),
    /** Nodes this observer sees as masters. */
    masters: Count,
    /** Nodes this observer sees as replicas. */
    replicas: Count,
    /** Nodes this observer flags `fail?` (it suspects them). */
    nodesPfail: Count,
    /** Nodes this observer flags `fail` (the cluster agreed). */
    nodesFail: Count,
    /** Other nodes whose cluster-bus link from this observer is down. */
    nodesDisconnected: Count,
    /** Every node this observer knows, itself included (flag `myself`): only when viewChanged or keyframe. */
    nodes: Type.Optional(Type.Array(TopologyNode, { maxItems: 1000 })),
    /** Fingerprint of the structural view (ping/pong times and offsets excluded), 16 hex chars. */
    viewHash: Type.String({ minLength: 16, maxLength: 16 }),
    /** The structural view differs from this observer's previous sample (true on its first sample). */
    viewChanged: Type.Boolean(),
    /** Unchanged, but re-stated (with `nodes`) so a consumer has a full view at least every keyframeEveryMs. */
    keyframe: Type.Boolean(),
    /** Differences from this observer's previous sample; empty on the first sample. */
    changes: Type.Array(TopologyChange, { maxItems: 5000 }),
    /** Changes left out beyond the 5000 above (a cluster rebuilt between two samples). */
    changesDropped: Type.Optional(Count),
  },
  { additionalProperties: false },
);
export type TopologySampleV2 = Static<typeof TopologySampleV2>;

/**
 * Topic `redscope.topology.v1` (collectors before v2; still consumed while it drains): the
 * whole node list on every sample, no summary, keyed by instance.
 */
/** V2's fields without the summary (and with the version and node list of v1). */
const NOT_IN_V1 = new Set([
  'v',
  'nodes',
  'role',
  'masterId',
  'masters',
  'replicas',
  'nodesPfail',
  'nodesFail',
  'nodesDisconnected',
]);
const shared = Object.fromEntries(
  Object.entries(TopologySampleV2.properties).filter(([k]) => !NOT_IN_V1.has(k)),
) as Omit<
  typeof TopologySampleV2.properties,
  'v' | 'nodes' | 'role' | 'masterId' | 'masters' | 'replicas' | 'nodesPfail' | 'nodesFail' | 'nodesDisconnected'
>;
export const TopologySampleV1 = Type.Object(
  { ...shared, v: Type.Literal(1), nodes: Type.Array(TopologyNode, { maxItems: 1000 }) },
  { additionalProperties: false },
);
export type TopologySampleV1 = Static<typeof TopologySampleV1>;

/** The summary fields of v2, from a full node list. Pure. */
export function topologySummary(myId: string, nodes: readonly TopologyNode[]) {
  const me = nodes.find((n) => n.id === myId);
  return {
    role: me?.role ?? ('unknown' as const),
    masterId: me?.masterId ?? '',
    masters: nodes.filter((n) => n.role === 'master').length,
    replicas: nodes.filter((n) => n.role === 'replica').length,
    nodesPfail: nodes.filter((n) => n.failing === 'pfail').length,
    nodesFail: nodes.filter((n) => n.failing === 'fail').length,
    nodesDisconnected: nodes.filter((n) => n.linkState === 'disconnected' && n.id !== myId).length,
  };
}

/** A v1 sample as v2 (what the processor stores and the detectors see). Pure. */
export function topologyV1ToV2(m: TopologySampleV1): TopologySampleV2 {
  const { v: _v, ...rest } = m;
  return { ...rest, v: 2, ...topologySummary(m.myId, m.nodes) };
}
