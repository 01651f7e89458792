// Where the scan of an instance's data runs. By default on one of its replicas: a replica
// holds the same keys, serves no writes, and the LRU/LFU bumps of the length commands
// (STRLEN, HLEN, …, which Redis < 7.2 cannot suppress) do not disturb the master's
// eviction. Replicas themselves are not scanned on their own account: their master's
// scan covers their data, so a cluster gets exactly one scan per shard.
import type { Redis } from 'ioredis';
import { parseInfo, type ParsedInfo } from '../info/parse-info.ts';

export type ScanPlan =
  | { action: 'skip'; reason: string }
  | { action: 'scan'; on: 'self' }
  | { action: 'scan'; on: { host: string; port: number; lagSeconds: number } };

/** Pure: what to do, given the instance's INFO replication. */
export function planScan(
  info: Pick<ParsedInfo, 'role' | 'replicas'>,
  opts: { preferReplica: boolean; explicit?: boolean },
): ScanPlan {
  if (info.role === 'replica') {
    // Asked for by name (CLI): scan it. Found by discovery: its master's scan covers it.
    return opts.explicit
      ? { action: 'scan', on: 'self' }
      : { action: 'skip', reason: 'replica: scanned through its master' };
  }
  if (!opts.preferReplica) return { action: 'scan', on: 'self' };
  const online = info.replicas.filter((r) => r.state === 'online' && r.host !== '' && r.port > 0);
  if (online.length === 0) return { action: 'scan', on: 'self' };
  // The least lagging replica has the freshest copy; ties keep INFO's order (stable sort).
  const best = [...online].sort((a, b) => a.lagSeconds - b.lagSeconds)[0]!;
  return { action: 'scan', on: { host: best.host, port: best.port, lagSeconds: best.lagSeconds } };
}

export interface InstanceFacts {
  role: ParsedInfo['role'];
  replicas: ParsedInfo['replicas'];
  clusterEnabled: boolean;
  maxmemoryPolicy: string;
  version: string;
}

/** INFO replication, memory, server and cluster: one call each, for servers older than Redis 7. */
export async function readFacts(redis: Redis): Promise<InstanceFacts> {
  const sections = await Promise.all(['replication', 'memory', 'server', 'cluster'].map((s) => redis.info(s)));
  const info = parseInfo(sections.join('\r\n'));
  return {
    role: info.role,
    replicas: info.replicas,
    clusterEnabled: info.fields.cluster_enabled === 1,
    maxmemoryPolicy: info.text.maxmemory_policy ?? '',
    version: info.version,
  };
}

export function isLfu(policy: string): boolean {
  return policy === 'allkeys-lfu' || policy === 'volatile-lfu';
}
