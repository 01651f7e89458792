// Which instances to watch: every node of each configured cluster (CLUSTER NODES from the
// first seed that answers) plus the standalone instances listed in the config.
import type { InstanceRef } from '../contracts/index.ts';
import type { ClusterTarget, StandaloneTarget } from '../common/config.ts';
import { errorMessage } from '../common/errors.ts';
import { withTlsHint } from '../common/tls.ts';
import { connectRedis, connectWithReason, splitAddress, type RedisEndpoint } from './redis-connection.ts';
import { parseClusterNodes } from './samplers/topology/parse-cluster-nodes.ts';

export interface DiscoveredInstance {
  ref: InstanceRef;
  endpoint: RedisEndpoint;
}

export class DiscoveryError extends Error {
  override name = 'DiscoveryError';
}

function auth(t: ClusterTarget | StandaloneTarget): Omit<RedisEndpoint, 'host' | 'port'> {
  return {
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(t.tls ? { tls: t.tls } : {}),
  };
}

async function withConnection<T>(
  ep: RedisEndpoint,
  timeoutMs: number,
  fn: (r: ReturnType<typeof connectRedis>) => Promise<T>,
): Promise<T> {
  const redis = connectRedis(ep, timeoutMs);
  redis.on('error', () => {}); // reported through the rejected connect or command below
  try {
    await connectWithReason(redis);
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** All nodes of a cluster. A seed without cluster support is watched as a standalone instance. */
export async function discoverCluster(target: ClusterTarget, timeoutMs: number): Promise<DiscoveredInstance[]> {
  const problems: string[] = [];
  for (const seed of target.seeds) {
    const ep = { ...splitAddress(seed), ...auth(target) };
    try {
      const reply = await withConnection(ep, timeoutMs, async (r) => {
        try {
          return String(await r.call('CLUSTER', 'NODES'));
        } catch (err) {
          if (/cluster support disabled/i.test(errorMessage(err))) return null;
          throw err;
        }
      });
      if (reply === null) return [{ ref: { id: seed, ...splitAddress(seed), cluster: target.name }, endpoint: ep }];
      return (
        parseClusterNodes(reply)
          // A node still in handshake or without an address cannot be reached yet. The seed
          // itself may show an empty ip (`:7000`): a node learns its own ip only from a peer's
          // MEET, so a single-node cluster never does; it means "the address you reached me on".
          .filter((n) => (n.host !== '' || n.myself) && !n.flags.includes('handshake') && !n.flags.includes('noaddr'))
          .map((n) => {
            const host = n.host || ep.host;
            return {
              ref: { id: `${host}:${n.port}`, host, port: n.port, cluster: target.name, nodeId: n.id },
              endpoint: { ...auth(target), host, port: n.port },
            };
          })
      );
    } catch (err) {
      problems.push(`${seed}: ${withTlsHint(errorMessage(err), err, Boolean(target.tls))}`); // a TLS failure says what to fix
    }
  }
  throw new DiscoveryError(`cluster ${target.name}: no seed answered CLUSTER NODES (${problems.join('; ')})`);
}

export function standaloneInstance(t: StandaloneTarget): DiscoveredInstance {
  const { host, port } = splitAddress(t.address);
  return {
    ref: { id: t.address, host, port, cluster: t.cluster ?? 'standalone' },
    endpoint: { host, port, ...auth(t) },
  };
}
