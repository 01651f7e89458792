// Freezing a Redis master with SIGSTOP: the way to cause a real failover on the local
// cluster (node timeout 2000 ms → its replica is promoted about 4 s later).
import { Redis } from 'ioredis';
import { parseClusterNodes, type ClusterNode } from '../../collectors/samplers/topology/parse-cluster-nodes.ts';

export async function clusterNodes(seed: string): Promise<ClusterNode[]> {
  const [host, port] = seed.split(':');
  const r = new Redis({
    host,
    port: Number(port),
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 0,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    return parseClusterNodes(String(await r.call('CLUSTER', 'NODES')));
  } finally {
    r.disconnect();
  }
}

export async function pidOf(address: string): Promise<number> {
  const [host, port] = address.split(':');
  const r = new Redis({ host, port: Number(port) });
  try {
    return Number(/^process_id:(\d+)/m.exec(await r.info('server'))?.[1]);
  } finally {
    r.disconnect();
  }
}

/** True when every node answers, sees all nodes connected and none failing, and the cluster is ok. */
export async function clusterWhole(seeds: readonly string[]): Promise<boolean> {
  for (const seed of seeds) {
    try {
      const nodes = await clusterNodes(seed);
      if (nodes.length !== seeds.length || nodes.some((n) => n.failing || n.linkState !== 'connected')) return false;
      if (nodes.filter((n) => n.role === 'master' && n.slots.length > 0).length !== 3) return false;
    } catch {
      return false;
    }
  }
  return true;
}
