// Local Redis Cluster: six daemonized redis-server processes (3 masters, 3 replicas)
// on consecutive ports, each with its own dir under <dataDir>/redis/<port>/.
// Nothing is persisted except nodes.conf, so a restart re-forms the same cluster
// (same node ids, slots and roles) with empty data and without `--cluster create`.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  isProcessStopped,
  livePidFromFile,
  runChecked,
  runCommand,
  stopByPidFile,
  waitFor,
  type Log,
} from './processes.ts';

export const REDIS_NODE_COUNT = 6;
const HOST = '127.0.0.1';

export function redisNodePorts(basePort: number): number[] {
  return Array.from({ length: REDIS_NODE_COUNT }, (_, i) => basePort + i);
}

function nodeDir(dataDir: string, port: number): string {
  return join(dataDir, 'redis', String(port));
}

const ERROR_REPLY = /^(\(error\) )?(ERR|LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|MOVED|ASK|NOAUTH|READONLY|TRYAGAIN)\b/;

/** One command on one node through redis-cli; throws with redis-cli's message on failure. */
async function redisCli(port: number, args: string[], timeoutMs = 2000): Promise<string> {
  const res = await runCommand('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeoutMs });
  // Not on a tty, redis-cli exits 0 for an error reply and prints it bare ("ERR …", "LOADING …").
  const out = res.stdout.trim();
  if (res.code !== 0 || ERROR_REPLY.test(out) || res.stderr.includes('Could not connect')) {
    throw new Error((res.stderr.trim() || out || `redis-cli exited with ${res.code}`).split('\n')[0]);
  }
  return res.stdout;
}

async function answersPing(port: number): Promise<boolean> {
  try {
    return (await redisCli(port, ['PING'], 1000)).trim() === 'PONG';
  } catch {
    return false;
  }
}

function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) fields[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return fields;
}

interface ClusterNodeLine {
  id: string;
  address: string;
  flags: string[];
  masterId: string; // '-' for masters
  linkState: string;
  slotRanges: string[];
}

function parseClusterNodes(text: string): ClusterNodeLine[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [id = '', address = '', flags = '', masterId = '', , , , linkState = '', ...slotRanges] = line.split(' ');
      return {
        id,
        address: address.split('@')[0] ?? address,
        flags: flags.split(','),
        masterId,
        linkState,
        slotRanges,
      };
    });
}

const BAD_FLAGS = ['fail', 'fail?', 'handshake', 'noaddr'];

/** What one node thinks of the cluster: true when fully formed, else why not. */
async function nodeReadiness(port: number): Promise<true | string> {
  let info: Record<string, string>;
  let nodes: ClusterNodeLine[];
  try {
    info = parseInfo(await redisCli(port, ['CLUSTER', 'INFO']));
    nodes = parseClusterNodes(await redisCli(port, ['CLUSTER', 'NODES']));
  } catch (err) {
    return `:${port} ${(err as Error).message}`;
  }
  if (info.cluster_state !== 'ok')
    return `:${port} cluster_state:${info.cluster_state ?? '?'} (slots assigned ${info.cluster_slots_assigned ?? '?'})`;
  if (nodes.length !== REDIS_NODE_COUNT) return `:${port} knows ${nodes.length}/${REDIS_NODE_COUNT} nodes`;
  const unhealthy = nodes.filter((n) => n.flags.some((f) => BAD_FLAGS.includes(f)) || n.linkState !== 'connected');
  if (unhealthy.length > 0) {
    return `:${port} sees ${unhealthy.map((n) => `${n.address}[${n.flags.join(',')},${n.linkState}]`).join(' ')}`;
  }
  const masters = nodes.filter((n) => n.flags.includes('master') && n.slotRanges.length > 0);
  const replicas = nodes.filter((n) => n.flags.includes('slave'));
  if (masters.length !== 3 || replicas.length !== 3)
    return `:${port} sees ${masters.length} masters with slots and ${replicas.length} replicas`;
  const orphans = masters.filter((m) => !replicas.some((r) => r.masterId === m.id));
  if (orphans.length > 0) return `:${port} sees masters without a replica: ${orphans.map((m) => m.address).join(' ')}`;
  const myself = nodes.find((n) => n.flags.includes('myself'));
  if (myself?.flags.includes('slave')) {
    // The gossip says "attached" before the initial sync finished; wait for the link.
    const repl = parseInfo(await redisCli(port, ['INFO', 'replication']).catch(() => ''));
    if (repl.master_link_status !== 'up')
      return `:${port} replica link to master is ${repl.master_link_status ?? 'unknown'}`;
  }
  return true;
}

/** True when every node reports a fully formed cluster; otherwise the first problems found. */
export async function redisClusterReadiness(basePort: number): Promise<true | string> {
  const results = await Promise.all(redisNodePorts(basePort).map(nodeReadiness));
  const problems = results.filter((r): r is string => r !== true);
  return problems.length === 0 ? true : problems.slice(0, 3).join('; ');
}

/** The flags of every local cluster node (Redis here, Valkey in stack/valkey.ts). */
export function clusterNodeArgs(port: number, dir: string): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    HOST,
    '--dir',
    dir,
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    join(dir, 'nodes.conf'),
    '--cluster-node-timeout',
    '2000',
    '--save',
    '',
    '--appendonly',
    'no',
    '--enable-debug-command',
    'local', // tests use DEBUG SLEEP / DEBUG POPULATE over loopback
    '--latency-monitor-threshold',
    '100',
    // Masters wait 5 s by default for more replicas before a diskless full sync;
    // each has exactly one, so waiting only delays "replica attached" on every start.
    '--repl-diskless-sync-delay',
    '0',
  ];
}

async function startNode(dataDir: string, port: number): Promise<void> {
  const dir = nodeDir(dataDir, port);
  mkdirSync(dir, { recursive: true });
  // --daemonize: redis-server forks and writes its own pid file; runChecked returns once the parent exits.
  await runChecked(
    'redis-server',
    [
      ...clusterNodeArgs(port, dir),
      '--daemonize',
      'yes',
      '--logfile',
      join(dir, 'redis.log'),
      '--pidfile',
      join(dir, 'redis.pid'),
    ],
    { timeoutMs: 10_000 },
  );
}

/**
 * Brings the cluster to "ok with 3 masters + 3 replicas". Returns whether anything
 * was started. Fast when everything is already up: a few redis-cli round trips.
 */
export async function startRedisCluster(opts: {
  basePort: number;
  dataDir: string;
  log: Log;
}): Promise<{ started: boolean }> {
  const { basePort, dataDir, log } = opts;
  const ports = redisNodePorts(basePort);
  const alive = await Promise.all(ports.map(answersPing));
  const down = ports.filter((_, i) => !alive[i]);

  if (down.length === 0 && (await redisClusterReadiness(basePort)) === true) {
    await setLatencyThreshold(ports);
    return { started: false };
  }

  for (const port of down) {
    const pid = livePidFromFile(join(nodeDir(dataDir, port), 'redis.pid'), 'redis-server');
    if (pid === undefined) continue;
    const why = isProcessStopped(pid)
      ? `is stopped (SIGSTOP); resume it with \`kill -CONT ${pid}\``
      : 'is running but does not answer PING';
    throw new Error(`redis node :${port} (pid ${pid}) ${why}, or run \`stack down\``);
  }
  if (down.length > 0) {
    log(`starting redis-server on ${down.map((p) => `:${p}`).join(' ')}…`);
    await Promise.all(down.map((port) => startNode(dataDir, port)));
    await waitFor(
      'redis nodes',
      async () => {
        const pongs = await Promise.all(ports.map(answersPing));
        const silent = ports.filter((_, i) => !pongs[i]);
        return silent.length === 0 ? true : `no PONG from ${silent.map((p) => `:${p}`).join(' ')}`;
      },
      { timeoutMs: 10_000, hint: `logs: ${join(dataDir, 'redis', '<port>', 'redis.log')}` },
    );
  }
  await setLatencyThreshold(ports);

  // A nodes.conf from an earlier run means the nodes re-form the cluster by
  // themselves; `--cluster create` is only for brand-new nodes (and would refuse
  // nodes that already know each other or hold slots).
  const infos = await Promise.all(ports.map(async (p) => parseInfo(await redisCli(p, ['CLUSTER', 'INFO']))));
  const unassigned = infos.every((i) => i.cluster_slots_assigned === '0');
  if (unassigned) {
    if (infos.some((i) => i.cluster_known_nodes !== '1')) {
      throw new Error(
        'redis nodes know each other but no slots are assigned (an interrupted `--cluster create`?); run `stack reset`',
      );
    }
    log('creating redis cluster (3 masters, 3 replicas)…');
    await runChecked(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `${HOST}:${p}`), '--cluster-replicas', '1', '--cluster-yes'],
      { timeoutMs: 60_000 },
    );
  } else {
    log('redis nodes restarted from nodes.conf; waiting for the cluster to re-form…');
  }
  await waitFor('redis cluster', () => redisClusterReadiness(basePort), {
    timeoutMs: 30_000,
    hint: `if a node's dir under ${join(dataDir, 'redis')} was wiped, the old cluster cannot re-form: run \`stack reset\``,
  });
  return { started: down.length > 0 || unassigned };
}

async function setLatencyThreshold(ports: number[]): Promise<void> {
  // Passed at start too; set again so an idempotent `up` restores it if a test changed it.
  await Promise.all(ports.map((p) => redisCli(p, ['CONFIG', 'SET', 'latency-monitor-threshold', '100'])));
}

/** Stops every redis-server started from this data dir (found by their pid files), all at once. */
export async function stopRedisCluster(dataDir: string, log: Log): Promise<void> {
  const root = join(dataDir, 'redis');
  let dirs: string[];
  try {
    dirs = readdirSync(root);
  } catch {
    return; // never started
  }
  // All nodes at once: stopping masters one by one would trigger failovers that
  // the next start would then have to undo.
  const stopped = await Promise.all(dirs.map((d) => stopByPidFile(join(root, d, 'redis.pid'), 'redis-server', 10_000)));
  const count = stopped.filter(Boolean).length;
  if (count > 0) log(`stopped ${count} redis-server node${count === 1 ? '' : 's'}`);
}

/** One-line state of the cluster for `stack status`. */
export async function redisStatus(basePort: number): Promise<{ up: boolean; detail: string }> {
  const ports = redisNodePorts(basePort);
  const pongs = await Promise.all(ports.map(answersPing));
  const upCount = pongs.filter(Boolean).length;
  if (upCount === 0) return { up: false, detail: `no node answers on :${ports[0]}-${ports.at(-1)}` };
  const readiness = await redisClusterReadiness(basePort);
  if (readiness === true)
    return { up: true, detail: `${upCount}/${ports.length} nodes, cluster_state:ok, 3 masters + 3 replicas` };
  return { up: false, detail: `${upCount}/${ports.length} nodes answer PING; ${readiness}` };
}
