// A TLS-only Redis Cluster for tests: three masters (no replicas) on base … base+2 that
// speak only TLS — clients, cluster bus and all (`--port 0 --tls-cluster yes`) — with
// certificates from the stack's CA (stack/tls.ts) that name a host, not an IP address,
// and client certificates required (`--tls-auth-clients yes`), as a careful production
// setup would. CLUSTER NODES announces IP addresses, so a client that discovers the nodes
// must verify them against the name (tls.serverName), not the IP. Owned by the caller:
// `stop()` ends the servers and deletes their data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from './install.ts';
import { isPortOpen, runChecked, runCommand, waitFor } from './processes.ts';
import { REDIS_NODE_NAME, type StackTls } from './tls.ts';

const HOST = '127.0.0.1';
export const TLS_REDIS_NODE_COUNT = 3;

export interface TlsRedisCluster {
  seeds: string[];
  stop(): Promise<void>;
}

function cliTlsArgs(tls: StackTls): string[] {
  return ['--tls', '--cacert', tls.caFile, '--cert', tls.clientCert, '--key', tls.clientKey, '--sni', REDIS_NODE_NAME];
}

export async function startTlsRedisCluster(opts: {
  basePort: number;
  dataDir: string;
  tls: StackTls;
}): Promise<TlsRedisCluster> {
  const server = requireBinary('redis-server', 'apt-get install -y redis-server');
  const ports = Array.from({ length: TLS_REDIS_NODE_COUNT }, (_, i) => opts.basePort + i);
  for (const port of ports)
    if ((await isPortOpen(port)) || (await isPortOpen(port + 10_000)))
      throw new Error(`port ${port} or ${port + 10_000} is taken; set REDSCOPE_STACK_REDIS_TLS_BASE_PORT`);
  const root = join(opts.dataDir, 'redis-tls');
  rmSync(root, { recursive: true, force: true });
  const children: ChildProcess[] = ports.map((port) => {
    const dir = join(root, String(port));
    mkdirSync(dir, { recursive: true });
    return spawn(
      server,
      ['--port', '0', '--tls-port', String(port), '--bind', HOST, '--dir', dir]
        .concat(['--tls-cert-file', opts.tls.redisNodeCert, '--tls-key-file', opts.tls.redisNodeKey])
        .concat(['--tls-ca-cert-file', opts.tls.caFile, '--tls-auth-clients', 'yes'])
        .concat(['--tls-cluster', 'yes', '--tls-replication', 'yes'])
        .concat(['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')])
        .concat(['--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no'])
        .concat(['--logfile', join(dir, 'redis.log')]),
      { stdio: 'ignore' },
    );
  });
  const stop = async () => {
    await Promise.all(
      children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await exited;
      }),
    );
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const cli = (port: number, args: string[]) =>
      runCommand('redis-cli', ['-h', HOST, '-p', String(port), ...cliTlsArgs(opts.tls), ...args], { timeoutMs: 5000 });
    await waitFor(
      'TLS redis nodes',
      async () => {
        const pongs = await Promise.all(ports.map(async (p) => (await cli(p, ['PING'])).stdout.trim() === 'PONG'));
        return pongs.every(Boolean) || 'not every node answers PING over TLS';
      },
      { timeoutMs: 15_000, hint: `logs under ${root}` },
    );
    await runChecked(
      'redis-cli',
      [...cliTlsArgs(opts.tls), '--cluster', 'create', ...ports.map((p) => `${HOST}:${p}`), '--cluster-yes'],
      { timeoutMs: 60_000 },
    );
    await waitFor(
      'TLS redis cluster',
      async () => {
        const infos = await Promise.all(ports.map(async (p) => (await cli(p, ['CLUSTER', 'INFO'])).stdout));
        return infos.every((i) => i.includes('cluster_state:ok')) || 'cluster_state is not ok everywhere yet';
      },
      { timeoutMs: 30_000, hint: `logs under ${root}` },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { seeds: ports.map((p) => `${HOST}:${p}`), stop };
}
