// Real failovers on the local cluster, for tests and the failover benchmark: a master
// made unresponsive (SIGSTOP, or a long blocking command) until its replica's promotion
// is visible in CLUSTER NODES on a surviving node (polled every 50 ms), then — for a
// frozen one — resumed at once, the way a master blocked by a long command comes back as
// a replica moments after the promotion.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { ClusterNode } from '../../collectors/samplers/topology/parse-cluster-nodes.ts';
import { clusterNodes, clusterWhole, pidOf } from './freeze.ts';

const addr = (n: Pick<ClusterNode, 'host' | 'port'>) => `${n.host}:${n.port}`;

export interface Shard {
  master: ClusterNode;
  replica: ClusterNode;
}

export interface FailoverRun {
  oldAddr: string;
  newAddr: string;
  oldId: string;
  newId: string;
  /** When the master stopped answering (signal sent, or command sent). */
  stoppedAt: number;
  /** When a surviving node first showed the replica as master. */
  promotedAt: number;
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** The cluster's shards (master + a replica) as a surviving node sees them. */
export async function shards(seeds: readonly string[]): Promise<Shard[]> {
  for (const seed of seeds) {
    try {
      const nodes = await clusterNodes(seed);
      return nodes
        .filter((n) => n.role === 'master' && n.slots.length > 0)
        .flatMap((master) => {
          const replica = nodes.find((n) => n.masterId === master.id);
          return replica ? [{ master, replica }] : [];
        });
    } catch {
      // next seed
    }
  }
  throw new Error('no seed answers CLUSTER NODES');
}

/**
 * Waits until the cluster is whole and, for a failback, every replica's link to its
 * master is up (INFO replication on the replica): a replica still resyncing is not
 * eligible for promotion, and its master's failover would not happen.
 */
export async function waitHealthy(seeds: readonly string[], timeoutMs = 60_000): Promise<void> {
  await until(() => clusterWhole(seeds), Boolean, timeoutMs, 'a whole cluster');
  await until(
    async () => {
      for (const { replica } of await shards(seeds)) {
        const r = new Redis({ host: replica.host, port: replica.port, lazyConnect: true, maxRetriesPerRequest: 0 });
        r.on('error', () => {});
        try {
          await r.connect();
          if (!/master_link_status:up/.test(await r.info('replication'))) return false;
        } finally {
          r.disconnect();
        }
      }
      return true;
    },
    Boolean,
    timeoutMs,
    'every replica linked to its master',
  );
}

/**
 * Waits until the watcher shows the shard's replica as a master with a config epoch above
 * the old master's. The epoch matters in a failback: a watcher that has not yet heard that
 * the replica (the previous round's old master, just resumed) turned into a replica still
 * lists it as a master, with its old epoch, and that is not a promotion.
 */
async function promoted(watcher: string, shard: Shard, timeoutMs: number): Promise<number> {
  await until(
    () => clusterNodes(watcher),
    (ns) => {
      const n = ns.find((x) => x.id === shard.replica.id);
      return n?.role === 'master' && n.configEpoch > shard.master.configEpoch;
    },
    timeoutMs,
    'the promotion',
  );
  return Date.now();
}

function watcherOf(shardsNow: Shard[], shard: Shard): string {
  const other = shardsNow.find((s) => s.master.id !== shard.master.id)!;
  return addr(other.master);
}

/**
 * Freezes the shard's master with SIGSTOP until its replica is promoted; then resumes it
 * after `holdMs` (0 = at once). Always resumes it, whatever happens.
 */
export async function failOverByFreezing(
  seeds: readonly string[],
  shard: Shard,
  opts: { holdMs?: number; timeoutMs?: number } = {},
): Promise<FailoverRun> {
  const watcher = watcherOf(await shards(seeds), shard);
  const pid = await pidOf(addr(shard.master));
  const stoppedAt = Date.now();
  process.kill(pid, 'SIGSTOP');
  let promotedAt = 0;
  try {
    promotedAt = await promoted(watcher, shard, opts.timeoutMs ?? 30_000);
    if (opts.holdMs) await sleep(opts.holdMs);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  return {
    oldAddr: addr(shard.master),
    newAddr: addr(shard.replica),
    oldId: shard.master.id,
    newId: shard.replica.id,
    stoppedAt,
    promotedAt,
  };
}

/**
 * Runs a long command on the shard's master (on its own connection, not awaited: the
 * server is blocked while it runs) and waits for the replica's promotion. The command's
 * reply (or error, once the node is a replica) is awaited before returning.
 */
export async function failOverByCommand(
  seeds: readonly string[],
  shard: Shard,
  command: (r: Redis) => Promise<unknown>,
  opts: { timeoutMs?: number } = {},
): Promise<FailoverRun & { reply: unknown }> {
  const watcher = watcherOf(await shards(seeds), shard);
  const r = new Redis({
    host: shard.master.host,
    port: shard.master.port,
    maxRetriesPerRequest: 0,
    commandTimeout: 60_000,
  });
  r.on('error', () => {});
  try {
    const stoppedAt = Date.now();
    const reply = command(r).catch((err: Error) => err);
    const promotedAt = await promoted(watcher, shard, opts.timeoutMs ?? 30_000);
    return {
      oldAddr: addr(shard.master),
      newAddr: addr(shard.replica),
      oldId: shard.master.id,
      newId: shard.replica.id,
      stoppedAt,
      promotedAt,
      reply: await reply,
    };
  } finally {
    r.disconnect();
  }
}

/** Sets cluster-node-timeout on every node (CONFIG SET; not persisted beyond the node's run). */
export async function setNodeTimeout(seeds: readonly string[], ms: number): Promise<void> {
  for (const seed of seeds) {
    const [host, port] = seed.split(':');
    const r = new Redis({ host, port: Number(port), maxRetriesPerRequest: 1 });
    r.on('error', () => {});
    try {
      await r.config('SET', 'cluster-node-timeout', String(ms));
    } finally {
      r.disconnect();
    }
  }
}
