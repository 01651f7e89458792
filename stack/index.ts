// The local stack (Redis Cluster, Kafka, ClickHouse) as plain processes under one
// data dir. `stackUp` is idempotent and cheap when everything already runs, so the
// test global setup and the CLI can both call it freely.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAbsolute, join, resolve } from 'node:path';
import { clickhouseSecurity, clickhouseStatus, clickhouseUrl, startClickHouse, stopClickHouse } from './clickhouse.ts';
import {
  clickhouseClusterStatus,
  clusterReplicas,
  LOCAL_CLUSTER,
  startClickHouseCluster,
  stopClickHouseCluster,
} from './clickhouse-cluster.ts';
import { ensureServerPackages } from './install.ts';
import { kafkaStatus, startKafka, stopKafka } from './kafka.ts';
import { stackCredentials, type StackCredentials } from './credentials.ts';
import type { Log } from './processes.ts';
import { ensureStackTls, type StackTls } from './tls.ts';
import { redisNodePorts, redisStatus, startRedisCluster, stopRedisCluster } from './redis.ts';

export interface StackPorts {
  redisBasePort: number;
  kafkaPort: number;
  kafkaControllerPort: number;
  clickhouseHttpPort: number;
  clickhouseTcpPort: number;
  /** ZooKeeper of the two-replica ClickHouse cluster (`up --ch-cluster`). */
  zookeeperPort: number;
  /** The cluster's replicas: http base, base+10; tcp base+1, base+11; interserver base+2, base+12. */
  clickhouseReplicaBasePort: number;
  /** Kafka's SASL_SSL listener (SCRAM and PLAIN over TLS, ACLs enforced). */
  kafkaSaslSslPort: number;
  /** ClickHouse over HTTPS. */
  clickhouseHttpsPort: number;
  /** TLS-only Redis nodes that tests start (stack/redis-tls.ts): base … base+2. */
  redisTlsBasePort: number;
}

export interface StackEndpoints {
  redisSeeds: string[]; // 'host:port'
  kafkaBrokers: string[];
  clickhouseUrl: string; // http://127.0.0.1:18123
  /** The local ClickHouse cluster (started only with `clickhouseCluster`): its name and each replica's URL. */
  clickhouseCluster: { name: string; urls: string[] };
  /** The SASL_SSL listener (certificate by the stack CA, stack/tls.ts). */
  kafkaSaslSslBrokers: string[];
  clickhouseHttpsUrl: string; // https://127.0.0.1:18443
}

export type StackService = 'redis' | 'kafka' | 'clickhouse' | 'clickhouse-cluster';

export interface StackOptions {
  ports?: StackPorts;
  dataDir?: string;
  log?: (line: string) => void;
  /** Also start ZooKeeper and the two-replica ClickHouse cluster. */
  clickhouseCluster?: boolean;
}

const PORT_VARIABLES: Array<[keyof StackPorts, string, number]> = [
  ['redisBasePort', 'REDSCOPE_STACK_REDIS_BASE_PORT', 7000],
  ['kafkaPort', 'REDSCOPE_STACK_KAFKA_PORT', 19092],
  ['kafkaControllerPort', 'REDSCOPE_STACK_KAFKA_CONTROLLER_PORT', 19093],
  ['clickhouseHttpPort', 'REDSCOPE_STACK_CLICKHOUSE_HTTP_PORT', 18123],
  ['clickhouseTcpPort', 'REDSCOPE_STACK_CLICKHOUSE_TCP_PORT', 19000],
  ['zookeeperPort', 'REDSCOPE_STACK_ZOOKEEPER_PORT', 12181],
  ['clickhouseReplicaBasePort', 'REDSCOPE_STACK_CLICKHOUSE_REPLICA_BASE_PORT', 18200],
  ['kafkaSaslSslPort', 'REDSCOPE_STACK_KAFKA_SASL_SSL_PORT', 19094],
  ['clickhouseHttpsPort', 'REDSCOPE_STACK_CLICKHOUSE_HTTPS_PORT', 18443],
  ['redisTlsBasePort', 'REDSCOPE_STACK_REDIS_TLS_BASE_PORT', 7500],
];

/** Ports from REDSCOPE_STACK_* variables, defaults otherwise; a bad value is an Error naming its variable. */
export function stackPortsFromEnv(env: NodeJS.ProcessEnv = process.env): StackPorts {
  const ports = {} as StackPorts;
  for (const [key, variable, fallback] of PORT_VARIABLES) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') {
      ports[key] = fallback;
      continue;
    }
    const port = Number(raw);
    // A Redis base port needs room for its consecutive nodes, and their cluster bus ports (+10000);
    // the ClickHouse replica base for two replicas' three ports.
    const max =
      key === 'redisBasePort'
        ? 65535 - 10005
        : key === 'redisTlsBasePort'
          ? 65535 - 10002
          : key === 'clickhouseReplicaBasePort'
            ? 65535 - 12
            : 65535;
    if (!/^\d+$/.test(raw) || port < 1 || port > max) {
      throw new Error(`${variable} must be a port number between 1 and ${max}, got ${JSON.stringify(raw)}`);
    }
    ports[key] = port;
  }
  return ports;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** REDSCOPE_STACK_DIR, or <repo>/.redscope/stack (git-ignored). */
export function stackDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.REDSCOPE_STACK_DIR?.trim();
  if (!dir) return join(REPO_ROOT, '.redscope', 'stack');
  return isAbsolute(dir) ? dir : resolve(dir);
}

export function stackEndpoints(ports: StackPorts): StackEndpoints {
  return {
    redisSeeds: redisNodePorts(ports.redisBasePort).map((p) => `127.0.0.1:${p}`),
    kafkaBrokers: [`127.0.0.1:${ports.kafkaPort}`],
    clickhouseUrl: clickhouseUrl(ports.clickhouseHttpPort),
    clickhouseCluster: { name: LOCAL_CLUSTER, urls: clusterReplicas(clusterPorts(ports)).map((r) => r.url) },
    kafkaSaslSslBrokers: [`127.0.0.1:${ports.kafkaSaslSslPort}`],
    clickhouseHttpsUrl: `https://127.0.0.1:${ports.clickhouseHttpsPort}`,
  };
}

export function clusterPorts(ports: StackPorts) {
  return { zookeeperPort: ports.zookeeperPort, replicaBasePort: ports.clickhouseReplicaBasePort };
}

/** The stack's CA and certificates, and its users' passwords (both made on first use). */
export async function stackSecurity(
  dataDir = stackDataDir(),
): Promise<{ tls: StackTls; credentials: StackCredentials }> {
  return { tls: await ensureStackTls(dataDir), credentials: stackCredentials(dataDir) };
}

// Written on first `up`; `reset` deletes a data dir only when it carries this
// marker, so a mistyped REDSCOPE_STACK_DIR cannot wipe an unrelated directory.
const MARKER = '.redscope-stack';

/** Creates the data dir, refusing a non-empty dir that is not already a stack data dir. */
function claimDataDir(dataDir: string): void {
  const marker = join(dataDir, MARKER);
  if (existsSync(marker)) return;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new Error(
      `${dataDir} is not empty and has no ${MARKER} marker; point REDSCOPE_STACK_DIR at an empty or new directory`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(marker, 'data dir of the redscope local stack; `stack reset` deletes it\n');
}

function resolveOptions(opts: StackOptions) {
  return {
    ports: opts.ports ?? stackPortsFromEnv(),
    dataDir: opts.dataDir ?? stackDataDir(),
    log: opts.log ?? ((line: string) => console.log(line)),
    clickhouseCluster: opts.clickhouseCluster ?? false,
  };
}

/** Prefixes every line with the service name: the three start concurrently and interleave. */
function tagged(log: Log, service: StackService): Log {
  return (line) => log(`[${service}] ${line}`);
}

/**
 * Starts whatever is not running yet and waits until all three services answer.
 * Services start concurrently (Kafka's JVM dominates); if one fails, the others
 * are still awaited and all failures are reported together.
 */
export async function stackUp(
  opts: StackOptions = {},
): Promise<{ endpoints: StackEndpoints; started: StackService[] }> {
  const { ports, dataDir, log, clickhouseCluster } = resolveOptions(opts);
  claimDataDir(dataDir);
  await ensureServerPackages(log);
  const { tls, credentials } = await stackSecurity(dataDir);

  const services: Array<[StackService, () => Promise<{ started: boolean }>]> = [
    ['redis', () => startRedisCluster({ basePort: ports.redisBasePort, dataDir, log: tagged(log, 'redis') })],
    [
      'kafka',
      () =>
        startKafka({
          port: ports.kafkaPort,
          controllerPort: ports.kafkaControllerPort,
          dataDir,
          log: tagged(log, 'kafka'),
          security: { port: ports.kafkaSaslSslPort, tls, credentials },
        }),
    ],
    [
      'clickhouse',
      () =>
        startClickHouse({
          ports: {
            httpPort: ports.clickhouseHttpPort,
            tcpPort: ports.clickhouseTcpPort,
            httpsPort: ports.clickhouseHttpsPort,
          },
          dataDir,
          log: tagged(log, 'clickhouse'),
          security: clickhouseSecurity(tls, credentials),
        }),
    ],
  ];
  if (clickhouseCluster)
    services.push([
      'clickhouse-cluster',
      () => startClickHouseCluster({ ports: clusterPorts(ports), dataDir, log: tagged(log, 'clickhouse-cluster') }),
    ]);
  const outcomes = await Promise.allSettled(
    services.map(async ([name, start]) => {
      const t0 = Date.now();
      const result = await start();
      if (result.started) log(`[${name}] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return result;
    }),
  );
  const failures = outcomes.flatMap((o, i) =>
    o.status === 'rejected' ? [`${services[i]![0]}: ${(o.reason as Error).message}`] : [],
  );
  if (failures.length > 0) throw new Error(`stack up failed\n${failures.join('\n')}`);
  const started = services
    .filter((_, i) => {
      const o = outcomes[i]!;
      return o.status === 'fulfilled' && o.value.started;
    })
    .map(([name]) => name);
  return { endpoints: stackEndpoints(ports), started };
}

/** Stops every service started from the data dir (by pid file); data is kept. */
export async function stackDown(opts: StackOptions = {}): Promise<void> {
  const { ports, dataDir, log } = resolveOptions(opts);
  await Promise.all([
    stopClickHouseCluster(clusterPorts(ports), dataDir, tagged(log, 'clickhouse-cluster')),
    stopClickHouse(dataDir, tagged(log, 'clickhouse')),
    stopKafka(dataDir, tagged(log, 'kafka')),
    stopRedisCluster(dataDir, tagged(log, 'redis')),
  ]);
}

export async function stackStatus(
  opts: StackOptions = {},
): Promise<Array<{ service: string; up: boolean; detail: string }>> {
  const { ports, dataDir, clickhouseCluster } = resolveOptions(opts);
  const [redis, kafka, clickhouse] = await Promise.all([
    redisStatus(ports.redisBasePort),
    kafkaStatus(ports.kafkaPort, dataDir),
    clickhouseStatus(ports.clickhouseHttpPort, dataDir),
  ]);
  return [
    { service: 'redis', ...redis },
    { service: 'kafka', ...kafka },
    { service: 'clickhouse', ...clickhouse },
    ...(clickhouseCluster ? await clickhouseClusterStatus(clusterPorts(ports), dataDir) : []),
  ];
}

/** Down, then delete the data dir (the Kafka jars too; the next `up` fetches them again). */
export async function stackReset(opts: StackOptions = {}): Promise<void> {
  const { dataDir, log } = resolveOptions(opts);
  await stackDown(opts);
  if (!existsSync(dataDir)) return;
  if (!existsSync(join(dataDir, MARKER))) {
    throw new Error(`${dataDir} has no ${MARKER} marker, so it may not be a stack data dir; not deleting it`);
  }
  rmSync(dataDir, { recursive: true, force: true });
  log(`deleted ${dataDir}`);
}
