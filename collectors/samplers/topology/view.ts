// An observer's structural view of the cluster, and its fingerprint. The fingerprint leaves
// out what changes on every tick (ping/pong times, replication offsets), so equal hashes
// mean "nothing worth storing again": this is what keeps 250-node clusters affordable at
// one sample per second (see migrations/0003_topology.sql).
import { createHash } from 'node:crypto';
import type { TopologyNode } from '../../../contracts/index.ts';
import type { ClusterNode } from './parse-cluster-nodes.ts';
import type { ShardNodeState } from './parse-cluster-shards.ts';

export function toTopologyNode(n: ClusterNode, shard: ShardNodeState | undefined): TopologyNode {
  const node: TopologyNode = {
    id: n.id,
    host: n.host,
    port: n.port,
    busPort: n.busPort,
    role: n.role,
    // Redis prints at most a handful of flags; the cap only guards the contract.
    flags: n.flags.slice(0, 16),
    failing: n.failing,
    configEpoch: n.configEpoch,
    linkState: n.linkState,
    pingSentMs: n.pingSentMs,
    pongRecvMs: n.pongRecvMs,
    slots: n.slots,
    migrating: n.migrating,
    importing: n.importing,
  };
  if (n.hostname) node.hostname = n.hostname;
  if (n.masterId) node.masterId = n.masterId;
  if (shard?.health !== undefined) node.health = shard.health;
  if (shard?.replicationOffset !== undefined) node.replicationOffset = shard.replicationOffset;
  return node;
}

function structure(n: TopologyNode): string {
  return [
    n.id,
    `${n.host}:${n.port}@${n.busPort}`,
    n.hostname ?? '',
    [...n.flags].sort().join(','),
    n.masterId ?? '-',
    n.configEpoch,
    n.linkState,
    n.slots.map(([a, b]) => `${a}-${b}`).join(' '),
    n.migrating.map((m) => `${m.slot}>${m.to}`).join(' '),
    n.importing.map((m) => `${m.slot}<${m.from}`).join(' '),
    n.health ?? '',
  ].join('|');
}

/** 16 hex chars; the same view in any node order hashes the same. */
export function viewHash(nodes: readonly TopologyNode[], clusterState: string, currentEpoch: number): string {
  const lines = nodes.map(structure).sort();
  return createHash('sha1')
    .update(`${clusterState}|${currentEpoch}\n${lines.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
}
