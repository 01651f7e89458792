// Targets for calling samplers directly against the real local cluster: one connection
// per node, as the collector runtime would give them.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Target } from '../../collectors/sampler.ts';
import { connectRedis } from '../../collectors/redis-connection.ts';
import { parseClusterNodes, type ClusterNode } from '../../collectors/samplers/topology/parse-cluster-nodes.ts';
import { endpoints } from './pipeline.ts';

export interface ClusterTargets {
  targets: Target[];
  nodes: ClusterNode[];
  /** The target of a master that serves slots and is not failing. */
  master(): Target;
  close(): void;
}

export async function clusterNodes(): Promise<ClusterNode[]> {
  const [host, port] = endpoints.redisSeeds[0]!.split(':');
  const seed = new Redis({ host, port: Number(port), lazyConnect: true });
  try {
    await seed.connect();
    return parseClusterNodes(String(await seed.call('CLUSTER', 'NODES')));
  } finally {
    seed.disconnect();
  }
}

export async function clusterTargets(timeoutMs = 2000): Promise<ClusterTargets> {
  const nodes = await clusterNodes();
  const targets: Target[] = [];
  for (const n of nodes) {
    const redis = connectRedis({ host: n.host, port: n.port }, timeoutMs);
    redis.on('error', () => {});
    await redis.connect();
    targets.push({
      ref: { id: `${n.host}:${n.port}`, host: n.host, port: n.port, cluster: 'local', nodeId: n.id },
      redis,
    });
  }
  return {
    targets,
    nodes,
    master() {
      const m = nodes.find((n) => n.role === 'master' && n.slots.length > 0 && !n.failing);
      if (!m) throw new Error('no healthy master with slots in the local cluster');
      return targets.find((t) => t.ref.nodeId === m.id)!;
    },
    close() {
      for (const t of targets) t.redis.disconnect();
    },
  };
}

/** A plain client of one node, named so its SLOWLOG entries and CLIENT LIST lines are recognisable. */
export async function namedClient(target: Target, prefix: string): Promise<{ redis: Redis; name: string }> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  const redis = new Redis({ host: target.ref.host, port: target.ref.port, connectionName: name, lazyConnect: true });
  await redis.connect();
  return { redis, name };
}
