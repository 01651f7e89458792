// A master frozen with SIGSTOP: the topology samples of the other nodes show it pfail and
// then fail, its replica promoted (role change and slot takeover recorded by the change
// diff); after SIGCONT the old master rejoins as a replica and the cluster is whole again.
// Runs against the shared local cluster (node timeout 2000 ms): about 10–15 s.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologySampler } from '../collectors/samplers/topology/sampler.ts';
import { defaultConfig } from '../common/config.ts';
import type { TopologyNode, TopologySampleV2 } from '../contracts/index.ts';
import { clusterTargets, type ClusterTargets } from './support/cluster-targets.ts';

const sampler = topologySampler({ ...defaultConfig().collector.topology, timeoutMs: 500 });
let cluster: ClusterTargets;
/** Every sample taken, from every observer, in order. */
const seen: TopologySampleV2[] = [];
/** Each observer's current node list, rebuilt as the contract says: the latest one sent. */
const nodeLists = new Map<string, TopologyNode[]>();
const nodesOf = (v: TopologySampleV2) => nodeLists.get(v.instance.id) ?? [];

/** One round: every node sampled at once; a frozen node's sample fails (timeout) and is skipped. */
async function round(): Promise<TopologySampleV2[]> {
  const results = await Promise.allSettled(
    cluster.targets.map((t) => sampler.sample(t, { collector: 'failover-test' }, new AbortController().signal)),
  );
  const views = results.flatMap((r) =>
    r.status === 'fulfilled' ? r.value.map((s) => s.value as TopologySampleV2) : [],
  );
  for (const v of views) if (v.nodes) nodeLists.set(v.instance.id, v.nodes);
  seen.push(...views);
  return views;
}

async function until(what: string, timeoutMs: number, done: (views: TopologySampleV2[]) => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (done(await round())) return;
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const changes = () => seen.flatMap((s) => s.changes.map((c) => ({ ...c, observer: s.instance.id })));

/** All six nodes answered, each sees six connected nodes, none failing, cluster ok. */
const whole = (views: TopologySampleV2[]) =>
  views.length === 6 &&
  views.every(
    (v) => v.clusterState === 'ok' && v.knownNodes === 6 && v.nodesPfail + v.nodesFail + v.nodesDisconnected === 0,
  );

beforeAll(async () => {
  cluster = await clusterTargets(500);
});
afterAll(() => cluster?.close());

describe('topology during a failover', () => {
  it('a SIGSTOPped master is marked fail, its replica is promoted, and it rejoins as a replica after SIGCONT', async () => {
    await until('a whole cluster before the test', 15_000, whole);
    const master = cluster.master();
    const masterId = master.ref.nodeId!;
    const replicaId = cluster.nodes.find((n) => n.masterId === masterId)?.id;
    expect(replicaId).toBeDefined();
    const pid = Number(/^process_id:(\d+)/m.exec(await master.redis.info('server'))?.[1]);
    expect(pid).toBeGreaterThan(0);

    process.kill(pid, 'SIGSTOP');
    try {
      await until('the replica promoted by the other nodes', 20_000, () =>
        changes().some((c) => c.kind === 'role' && c.nodeId === replicaId && c.to === 'master'),
      );
      // Let every observer catch up with the promotion before waking the old master.
      await until('every other node seeing the old master failed', 5000, (views) => {
        const others = views.filter((v) => v.myId !== masterId);
        return (
          others.length === 5 && others.every((v) => nodesOf(v).find((n) => n.id === masterId)?.failing === 'fail')
        );
      });
    } finally {
      process.kill(pid, 'SIGCONT');
    }

    const failing = changes().filter((c) => c.kind === 'failing' && c.nodeId === masterId);
    // Every observer's view went from healthy to failing. The suspicion stage (pfail) lasts
    // from cluster-node-timeout until a majority agrees, which on a loaded machine can be
    // shorter than one sampling round, so it is not required to be seen; fail is.
    expect(failing.some((c) => c.to === 'fail')).toBe(true);
    const slotMoves = changes().filter((c) => c.kind === 'slots' && c.from === masterId && c.to === replicaId);
    expect(slotMoves.length).toBeGreaterThan(0);
    expect(changes().some((c) => c.kind === 'config-epoch' && c.nodeId === replicaId)).toBe(true);

    await until(
      'the cluster whole again, old master back as a replica',
      20_000,
      (views) => whole(views) && views.every((v) => nodesOf(v).find((n) => n.id === masterId)?.role === 'replica'),
    );
    expect(
      changes().some((c) => c.kind === 'role' && c.nodeId === masterId && c.from === 'master' && c.to === 'replica'),
    ).toBe(true);
    expect(changes().some((c) => c.kind === 'master' && c.nodeId === masterId && c.to === replicaId)).toBe(true);

    // Leave the shared stack ready for the next test: the rejoined node's replication link is up.
    const deadline = Date.now() + 15_000;
    while (!/^master_link_status:up/m.test(await master.redis.info('replication'))) {
      if (Date.now() > deadline) throw new Error(`${master.ref.id} did not resync with its new master within 15 s`);
      await sleep(200);
    }
  });
});
