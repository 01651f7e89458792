// Parses CLUSTER SHARDS (Redis ≥ 7.0) for what CLUSTER NODES lacks: each node's health
// (`online`, `failed`, `loading`) and replication offset. The reply is RESP2 nested arrays:
//   [ [ 'slots', [0, 5460], 'nodes', [ ['id', '…', 'port', 7000, 'ip', '…', 'role', 'master',
//       'replication-offset', 123, 'health', 'online', …], … ] ], … ]
// Unknown keys are ignored, so newer servers adding fields do not break us.

export interface ShardNodeState {
  health?: string;
  replicationOffset?: number;
}

function pairs(list: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(list)) return out;
  for (let i = 0; i + 1 < list.length; i += 2) out.set(String(list[i]), list[i + 1]);
  return out;
}

/** node id → health/offset; nodes without an id are skipped. */
export function parseClusterShards(reply: unknown): Map<string, ShardNodeState> {
  const byId = new Map<string, ShardNodeState>();
  if (!Array.isArray(reply)) return byId;
  for (const shard of reply) {
    const nodes = pairs(shard).get('nodes');
    if (!Array.isArray(nodes)) continue;
    for (const node of nodes) {
      const fields = pairs(node);
      const id = fields.get('id');
      if (typeof id !== 'string' || id === '') continue;
      const state: ShardNodeState = {};
      const health = fields.get('health');
      if (typeof health === 'string') state.health = health;
      const offset = Number(fields.get('replication-offset'));
      if (Number.isFinite(offset) && offset >= 0) state.replicationOffset = offset;
      byId.set(id, state);
    }
  }
  return byId;
}
