// Stage-2 samplers called directly against the real local cluster: each sample is checked
// against its contract and against values this test created in Redis.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsSampler } from '../collectors/samplers/clients/sampler.ts';
import { configAuditSampler } from '../collectors/samplers/config-audit/sampler.ts';
import { latencySampler } from '../collectors/samplers/latency/sampler.ts';
import { slowlogSampler } from '../collectors/samplers/slowlog/sampler.ts';
import { topologySampler } from '../collectors/samplers/topology/sampler.ts';
import type { Sampler, Target } from '../collectors/sampler.ts';
import { defaultConfig } from '../common/config.ts';
import {
  type ClientsSampleV1,
  type ConfigAuditSampleV1,
  type LatencySampleV1,
  type SlowlogSampleV1,
  TOPICS,
  type TopologySampleV2,
  type SampleTopic,
} from '../contracts/index.ts';
import { clusterTargets, namedClient, type ClusterTargets } from './support/cluster-targets.ts';
import { sampleOf as sampleWithContract } from './support/sample-contracts.ts';

const defaults = defaultConfig().collector;
const ctx = { collector: 'samplers-test' };

/** One sample, each message checked against its topic's contract. */
const sampleOf = <T>(sampler: Sampler, target: Target, topic: SampleTopic): Promise<T[]> =>
  sampleWithContract<T>(sampler, target, ctx, topic);

let cluster: ClusterTargets;
beforeAll(async () => {
  cluster = await clusterTargets();
});
afterAll(() => cluster?.close());

describe('topology sampler', () => {
  it('every node sees 3 masters and 3 replicas covering all 16384 slots, cluster ok', async () => {
    const sampler = topologySampler({ ...defaults.topology, timeoutMs: 2000 });
    for (const target of cluster.targets) {
      const [view] = await sampleOf<TopologySampleV2>(sampler, target, TOPICS.topology);
      expect(view).toMatchObject({
        clusterState: 'ok',
        slotsAssigned: 16384,
        slotsOk: 16384,
        knownNodes: 6,
        size: 3,
        myId: target.ref.nodeId,
        viewChanged: true,
        changes: [],
      });
      const masters = view!.nodes!.filter((n) => n.role === 'master');
      const replicas = view!.nodes!.filter((n) => n.role === 'replica');
      expect(view).toMatchObject({ masters: 3, replicas: 3, nodesPfail: 0, nodesFail: 0 });
      expect(masters).toHaveLength(3);
      expect(replicas).toHaveLength(3);
      expect(masters.flatMap((m) => m.slots).reduce((sum, [a, b]) => sum + b - a + 1, 0)).toBe(16384);
      for (const r of replicas) expect(masters.map((m) => m.id)).toContain(r.masterId);
      // CLUSTER SHARDS (Redis 7) adds health to every node.
      expect(view!.nodes!.every((n) => n.health === 'online')).toBe(true);
    }
  });

  it('a second sample of an unchanged view is marked unchanged and carries no changes', async () => {
    const sampler = topologySampler({ ...defaults.topology, timeoutMs: 2000 });
    const target = cluster.targets[0]!;
    const [first] = await sampleOf<TopologySampleV2>(sampler, target, TOPICS.topology);
    const [second] = await sampleOf<TopologySampleV2>(sampler, target, TOPICS.topology);
    if (second!.viewHash === first!.viewHash) {
      expect(second).toMatchObject({ viewChanged: false, keyframe: false, changes: [], masters: 3, replicas: 3 });
      expect(second!.nodes).toBeUndefined(); // the node list travels only with a change or a keyframe
    } else {
      expect(second!.changes.length).toBeGreaterThan(0); // the shared cluster moved meanwhile
    }
  });

  it('an unchanged view is re-stated as a keyframe once keyframeEveryMs has passed', async () => {
    const sampler = topologySampler({ ...defaults.topology, keyframeEveryMs: 0, timeoutMs: 2000 });
    const target = cluster.targets[0]!;
    const [first] = await sampleOf<TopologySampleV2>(sampler, target, TOPICS.topology);
    const [second] = await sampleOf<TopologySampleV2>(sampler, target, TOPICS.topology);
    if (second!.viewHash === first!.viewHash) {
      expect(second).toMatchObject({ viewChanged: false, keyframe: true });
      expect(second!.nodes).toHaveLength(6);
    }
  });
});

describe('slowlog sampler', () => {
  it('sends a slow command once with its duration, and after SLOWLOG RESET only the new one', async () => {
    const target = cluster.master();
    const slowlogSlowerThan = (await target.redis.call('CONFIG', 'GET', 'slowlog-log-slower-than')) as string[];
    expect(Number(slowlogSlowerThan[1])).toBeLessThanOrEqual(50_000);
    const sampler = slowlogSampler({ ...defaults.slowlog, timeoutMs: 2000 });
    const client = await namedClient(target, 'redscope-test-slow');
    const mine = (samples: SlowlogSampleV1[]) =>
      samples.flatMap((s) => s.entries).filter((e) => e.clientName === client.name);
    try {
      await sampleOf<SlowlogSampleV1>(sampler, target, TOPICS.slowlog); // sets the cursor
      await client.redis.call('DEBUG', 'SLEEP', '0.05');
      const [entry, ...more] = mine(await sampleOf<SlowlogSampleV1>(sampler, target, TOPICS.slowlog));
      expect(more).toEqual([]);
      expect(entry).toMatchObject({ command: 'debug', args: ['SLEEP', '?'], argCount: 3, clientName: client.name });
      expect(entry!.durationUs).toBeGreaterThanOrEqual(50_000);
      expect(entry!.clientAddr).toMatch(/^127\.0\.0\.1:\d+$/);

      expect(mine(await sampleOf<SlowlogSampleV1>(sampler, target, TOPICS.slowlog))).toEqual([]);

      await client.redis.call('SLOWLOG', 'RESET');
      await client.redis.call('DEBUG', 'SLEEP', '0.06');
      const afterReset = mine(await sampleOf<SlowlogSampleV1>(sampler, target, TOPICS.slowlog));
      expect(afterReset).toHaveLength(1);
      expect(afterReset[0]!.id).toBeGreaterThan(entry!.id);
      expect(afterReset[0]!.durationUs).toBeGreaterThanOrEqual(60_000);
    } finally {
      client.redis.disconnect();
      sampler.forget?.(target.ref.id);
    }
  });
});

describe('latency sampler', () => {
  it('probes with PINGs and reports a latency-monitor spike caused by DEBUG SLEEP 0.15 once', async () => {
    const target = cluster.master();
    const sampler = latencySampler({ ...defaults.latency, timeoutMs: 2000 });
    try {
      const [first] = await sampleOf<LatencySampleV1>(sampler, target, TOPICS.latency);
      expect(first!.probe).toMatchObject({ count: 10, failed: 0 });
      expect(first!.probe.p50Us).toBeGreaterThan(0);
      expect(first!.probe.minUs).toBeLessThanOrEqual(first!.probe.p50Us);
      expect(first!.probe.p50Us).toBeLessThanOrEqual(first!.probe.p99Us);
      expect(first!.probe.buckets.reduce((s, b) => s + b.count, 0)).toBe(10);

      const before = Math.floor(Date.now() / 1000);
      await target.redis.call('DEBUG', 'SLEEP', '0.15');
      const [second] = await sampleOf<LatencySampleV1>(sampler, target, TOPICS.latency);
      const spike = second!.events.find((e) => e.event === 'command' && e.atS >= before);
      expect(spike).toBeDefined();
      expect(spike!.latencyMs).toBeGreaterThanOrEqual(150);

      const [third] = await sampleOf<LatencySampleV1>(sampler, target, TOPICS.latency);
      expect(third!.events.filter((e) => e.event === 'command' && e.atS === spike!.atS)).toEqual([]);
    } finally {
      sampler.forget?.(target.ref.id); // closes the probe connection
    }
  });
});

describe('clients sampler', () => {
  it('counts the connections of a named pool and sees them idle', async () => {
    const target = cluster.master();
    const pool = await Promise.all([1, 2, 3].map(() => namedClient(target, 'redscope-test-pool')));
    const name = pool[0]!.name;
    await Promise.all(pool.slice(1).map((c) => c.redis.call('CLIENT', 'SETNAME', name)));
    try {
      await sleep(2100);
      const sampler = clientsSampler({ everyMs: 1000, timeoutMs: 2000, idleThresholdS: 1, topN: 1000 });
      const [summary] = await sampleOf<ClientsSampleV1>(sampler, target, TOPICS.clients);
      const group = summary!.byName.find((g) => g.key === name);
      expect(group).toMatchObject({ count: 3 });
      expect(group!.idleMaxS).toBeGreaterThanOrEqual(2);
      expect(summary!.idleOverThreshold).toBeGreaterThanOrEqual(3);
      expect(summary!.total).toBeGreaterThanOrEqual(4);
      expect(summary!.byHost.find((g) => g.key === '127.0.0.1')!.count).toBeGreaterThanOrEqual(3);
      // A master of the local cluster has its replica attached.
      expect(summary!.replicas).toBeGreaterThanOrEqual(1);
    } finally {
      for (const c of pool) c.redis.disconnect();
    }
  });
});

describe('config audit sampler', () => {
  it('flags timeout 0, the dangerous commands and the local stack’s risky settings', async () => {
    const target = cluster.master();
    const sampler = configAuditSampler({ ...defaults.configAudit, timeoutMs: 2000 });
    const [audit] = await sampleOf<ConfigAuditSampleV1>(sampler, target, TOPICS.configAudit);
    const byRule = (rule: string) => audit!.findings.filter((f) => f.rule === rule);
    expect(audit!.role).toBe('master');
    expect(audit!.version).toMatch(/^\d+\.\d+/);
    expect(byRule('timeout-zero')).toEqual([
      expect.objectContaining({ setting: 'timeout', value: '0', severity: 'warning' }),
    ]);
    expect(byRule('dangerous-command').map((f) => [f.setting, f.severity])).toEqual([
      ['flushall', 'critical'],
      ['flushdb', 'critical'],
      ['keys', 'warning'],
      ['save', 'warning'],
    ]);
    // The stack runs cluster-node-timeout 2000 and puts every replica on 127.0.0.1.
    expect(byRule('cluster-node-timeout')[0]).toMatchObject({ value: '2000' });
    expect(byRule('replica-same-host')[0]).toMatchObject({ severity: 'critical' });
    expect(byRule('client-output-buffer-normal')).toHaveLength(1);
    // 127.0.0.1 is local: the host setting was read.
    expect(audit!.rulesChecked).toContain('overcommit-memory');
  });
});
