// A small, bounded workload against the local cluster so there is traffic to look at:
// GET/SET/HSET/INCR on a few key patterns, some keys without TTL, the occasional
// slow command. Local stack only; it never targets anything but the seeds it is given.
import { Cluster } from 'ioredis';
import type { Logger } from '../common/log.ts';

export interface Workload {
  stop(): Promise<void>;
}

export function startWorkload(seeds: string[], log: Logger, opts: { opsPerSecond?: number } = {}): Workload {
  const nodes = seeds.map((s) => ({
    host: s.slice(0, s.lastIndexOf(':')),
    port: Number(s.slice(s.lastIndexOf(':') + 1)),
  }));
  const cluster = new Cluster(nodes, { redisOptions: { connectionName: 'redscope-workload' }, scaleReads: 'slave' });
  cluster.on('error', () => {});
  const perTick = Math.max(1, Math.round((opts.opsPerSecond ?? 500) / 10));
  let n = 0;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < perTick; i++, n++) {
        const user = n % 5000;
        ops.push(cluster.set(`session:${user}`, 'x'.repeat(64), 'EX', 300));
        ops.push(cluster.get(`session:${(user * 7) % 5000}`));
        ops.push(cluster.hset(`user:${user}:profile`, 'visits', String(n))); // no TTL: the classic leak
        if (i % 10 === 0) ops.push(cluster.incr(`counter:page:${n % 50}`));
      }
      await Promise.allSettled(ops);
    } finally {
      busy = false;
    }
  }, 100);
  log.info({ opsPerSecond: perTick * 10 * 3 }, 'workload generator running');
  return {
    async stop() {
      clearInterval(timer);
      cluster.disconnect();
    },
  };
}
