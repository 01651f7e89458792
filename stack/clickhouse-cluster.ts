// A ClickHouse cluster on one box, for redscope's cluster path (`clickhouse.cluster`):
// ZooKeeper plus two ClickHouse 18.16 servers that are the two replicas of one shard of
// the cluster `redscope_cluster` (recipe checked in ../shared/ENVIRONMENT.md). Started by
// `stack up --ch-cluster`, beside the single server the rest of the stack uses.
import { clickhousePid, clickhouseStatus, clickhouseUrl, startClickHouse, stopClickHouse } from './clickhouse.ts';
import type { Log } from './processes.ts';
import { startZooKeeper, stopZooKeeper, zookeeperStatus } from './zookeeper.ts';

export const LOCAL_CLUSTER = 'redscope_cluster';

export interface ClusterPorts {
  zookeeperPort: number;
  /** Replica i (0, 1) listens on http base+10·i, tcp base+10·i+1, interserver base+10·i+2. */
  replicaBasePort: number;
}

export interface ClusterReplica {
  /** Directory under the data dir and name in status lines: clickhouse-r1, clickhouse-r2. */
  name: string;
  replica: string;
  httpPort: number;
  tcpPort: number;
  interserverPort: number;
  url: string;
}

export function clusterReplicas(ports: ClusterPorts): ClusterReplica[] {
  return [0, 1].map((i) => {
    const base = ports.replicaBasePort + 10 * i;
    return {
      name: `clickhouse-r${i + 1}`,
      replica: `r${i + 1}`,
      httpPort: base,
      tcpPort: base + 1,
      interserverPort: base + 2,
      url: clickhouseUrl(base),
    };
  });
}

export async function startClickHouseCluster(opts: {
  ports: ClusterPorts;
  dataDir: string;
  log: Log;
}): Promise<{ started: boolean }> {
  const zk = await startZooKeeper({ port: opts.ports.zookeeperPort, dataDir: opts.dataDir, log: opts.log });
  const replicas = clusterReplicas(opts.ports);
  const started = await Promise.all(replicas.map((r) => startReplica(r, replicas, opts).then((s) => s.started)));
  return { started: zk.started || started.some(Boolean) };
}

/** Starts (or restarts, after a test killed it) one replica. */
export function startReplica(
  r: ClusterReplica,
  all: readonly ClusterReplica[],
  opts: { ports: ClusterPorts; dataDir: string; log: Log },
): Promise<{ started: boolean }> {
  return startClickHouse({
    name: r.name,
    ports: { httpPort: r.httpPort, tcpPort: r.tcpPort, interserverPort: r.interserverPort },
    dataDir: opts.dataDir,
    log: opts.log,
    cluster: {
      cluster: LOCAL_CLUSTER,
      zookeeperPort: opts.ports.zookeeperPort,
      shard: '01',
      replica: r.replica,
      replicaTcpPorts: all.map((x) => x.tcpPort),
    },
  });
}

export function replicaPid(dataDir: string, r: ClusterReplica): number | undefined {
  return clickhousePid(dataDir, r.name);
}

export async function stopClickHouseCluster(ports: ClusterPorts, dataDir: string, log: Log): Promise<void> {
  await Promise.all(clusterReplicas(ports).map((r) => stopClickHouse(dataDir, log, r.name)));
  await stopZooKeeper(dataDir, log);
}

export async function clickhouseClusterStatus(
  ports: ClusterPorts,
  dataDir: string,
): Promise<Array<{ service: string; up: boolean; detail: string }>> {
  const replicas = clusterReplicas(ports);
  const [zk, ...rs] = await Promise.all([
    zookeeperStatus(ports.zookeeperPort, dataDir),
    ...replicas.map((r) => clickhouseStatus(r.httpPort, dataDir, r.name)),
  ]);
  return [{ service: 'zookeeper', ...zk! }, ...replicas.map((r, i) => ({ service: r.name, ...rs[i]! }))];
}
