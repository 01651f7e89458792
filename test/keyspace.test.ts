// Keyspace scan against the real local cluster: keys of known shape and size are created
// under a unique prefix, each master's shard is scanned (through a replica), and the
// resulting messages are checked against the keys, then carried through Kafka and the
// stream processor into ClickHouse.
import { randomInt } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaSink } from '../collectors/kafka-sink.ts';
import { keyPattern } from '../collectors/samplers/keyspace/key-pattern.ts';
import { scanKeyspace, type ScanSettings } from '../collectors/samplers/keyspace/scanner.ts';
import { keyspaceSampler } from '../collectors/samplers/keyspace/sampler.ts';
import type { Sample, Target } from '../collectors/sampler.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { defaultConfig } from '../common/config.ts';
import { createKafka } from '../common/kafka.ts';
import { identifier, sql } from '../common/sql.ts';
import { KeyspaceScanV1, SAMPLE_TOPICS, TOPICS, validator, type KeyPatternStat } from '../contracts/index.ts';
import { startStream, type RunningStream } from '../stream/index.ts';
import { clusterTargets, type ClusterTargets } from './support/cluster-targets.ts';
import { startStandaloneRedis, type StandaloneRedis } from './support/standalone-redis.ts';
import { dropDatabase, endpoints, eventually, quietLog, testConfig } from './support/pipeline.ts';
import { startGroupsAtEnd } from './support/kafka.ts';

const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');
// Letters only: the prefix survives normalisation as it is, so no other run shares the pattern.
const prefix = `ks-${letters(10)}`;
const CARTS = 200;
const CARTS_WITH_TTL = 50;
const FIELDS = 100;
const BIG_FIELDS = 5000;
const bigKey = `${prefix}:big:{x}`;
const cartPattern = keyPattern(`${prefix}:user:{1}:cart`);

const keyspace = { ...defaultConfig().collector.keyspace, jitterMs: 0, topN: 20, progressEveryMs: 60_000 };
const checkKeyspace = validator(KeyspaceScanV1);
const ctx = { collector: `ks-test-${prefix}` };

let cluster: ClusterTargets;
let writer: Cluster;

/** Scans every master's shard with the sampler; returns the validated messages. */
async function scanAllShards(
  opts: Partial<typeof keyspace> = {},
): Promise<{ samples: Sample[]; scans: KeyspaceScanV1[] }> {
  const sampler = keyspaceSampler({ ...keyspace, ...opts, timeoutMs: 2000 }, quietLog);
  const samples: Sample[] = [];
  for (const target of cluster.targets)
    samples.push(...(await sampler.sample(target, ctx, new AbortController().signal)));
  const scans = samples.filter((s) => s.topic === TOPICS.keyspace).map((s) => s.value as KeyspaceScanV1);
  for (const scan of scans) {
    const valid = checkKeyspace(scan);
    expect(valid.ok ? 'valid' : valid.reason).toBe('valid');
  }
  return { samples, scans };
}

function patternTotals(
  scans: KeyspaceScanV1[],
  pattern: string,
): Omit<KeyPatternStat, 'exampleKey' | 'maxBytes' | 'type'> {
  const rows = scans.flatMap((s) => s.patterns.filter((p) => p.pattern === pattern));
  const sum = (f: (p: KeyPatternStat) => number) => rows.reduce((a, p) => a + f(p), 0);
  return {
    pattern,
    keys: sum((p) => p.keys),
    bytes: sum((p) => p.bytes),
    elements: sum((p) => p.elements),
    noTtl: sum((p) => p.noTtl),
    ttlHistogram: {
      none: sum((p) => p.ttlHistogram.none),
      lt1m: sum((p) => p.ttlHistogram.lt1m),
      lt1h: sum((p) => p.ttlHistogram.lt1h),
      lt1d: sum((p) => p.ttlHistogram.lt1d),
      lt7d: sum((p) => p.ttlHistogram.lt7d),
      ge7d: sum((p) => p.ttlHistogram.ge7d),
    },
  };
}

function masters(): Target[] {
  return cluster.nodes
    .filter((n) => n.role === 'master' && n.slots.length > 0 && !n.failing)
    .map((n) => cluster.targets.find((t) => t.ref.nodeId === n.id)!);
}

beforeAll(async () => {
  cluster = await clusterTargets();
  const [host, port] = endpoints.redisSeeds[0]!.split(':');
  writer = new Cluster([{ host: host!, port: Number(port) }], { lazyConnect: true });
  await writer.connect();
  for (let n = 0; n < CARTS; n++) {
    const key = `${prefix}:user:{${n}}:cart`;
    const fields: string[] = [];
    for (let f = 0; f < FIELDS; f++) fields.push(`item${f}`, `sku-${n}-${f}`);
    await writer.hset(key, ...fields);
    // Two hours: unambiguously in the "< 1 day" bucket while the test runs.
    if (n < CARTS_WITH_TTL) await writer.expire(key, 7200);
  }
  const big: string[] = [];
  for (let f = 0; f < BIG_FIELDS; f++) big.push(`field${f}`, 'v'.repeat(20));
  await writer.hset(bigKey, ...big);
  // Replicas are read-only copies: wait until each master's replica has the writes.
  for (const m of masters()) await m.redis.call('WAIT', 1, 5000);
});

afterAll(async () => {
  if (writer) {
    for (let n = 0; n < CARTS; n++) await writer.del(`${prefix}:user:{${n}}:cart`);
    await writer.del(bigKey);
    writer.disconnect();
  }
  cluster?.close();
});

describe('keyspace scan on the cluster', () => {
  it('scans each shard once, on a replica of its master, and counts the test keys exactly', async () => {
    const { scans } = await scanAllShards();
    // One scan per shard: replicas' own runs are skipped, masters scan through a replica.
    expect(scans.map((s) => s.instance.id).sort()).toEqual(
      masters()
        .map((m) => m.ref.id)
        .sort(),
    );
    for (const scan of scans) {
      expect(scan.scannedOn.role).toBe('replica');
      expect(scan.scannedOn.id).not.toBe(scan.instance.id);
      const replica = cluster.nodes.find((n) => `${n.host}:${n.port}` === scan.scannedOn.id)!;
      expect(replica.masterId).toBe(scan.instance.nodeId);
    }
    const carts = patternTotals(scans, cartPattern);
    expect(carts).toMatchObject({
      keys: CARTS,
      elements: CARTS * FIELDS,
      noTtl: CARTS - CARTS_WITH_TTL,
      ttlHistogram: { none: CARTS - CARTS_WITH_TTL, lt1m: 0, lt1h: 0, lt1d: CARTS_WITH_TTL, lt7d: 0, ge7d: 0 },
    });
    expect(carts.bytes).toBeGreaterThan(CARTS * FIELDS * 10);
    const cartRow = scans.flatMap((s) => s.patterns).find((p) => p.pattern === cartPattern)!;
    expect(cartRow.type).toBe('hash');
    expect(keyPattern(cartRow.exampleKey)).toBe(cartPattern);
  });

  it('lists the big key among the biggest by bytes and by length, with its MEMORY USAGE', async () => {
    const { scans } = await scanAllShards();
    const byBytes = scans.flatMap((s) => s.topKeysByBytes).find((k) => k.key === bigKey);
    const byLength = scans.flatMap((s) => s.topKeysByLength).find((k) => k.key === bigKey);
    expect(byBytes).toMatchObject({ type: 'hash', length: BIG_FIELDS, ttlMs: -1, pattern: `${prefix}:big:{x}` });
    expect(byLength?.length).toBe(BIG_FIELDS);
    // MEMORY USAGE samples 5 fields of big hashes: master and replica may estimate slightly differently.
    const memory = Number(await writer.call('MEMORY', 'USAGE', bigKey));
    expect(byBytes!.bytes).toBeGreaterThan(memory * 0.9);
    expect(byBytes!.bytes).toBeLessThan(memory * 1.1);
  });

  it('gives the same counts in pipeline mode, and scans the masters themselves when replicas are not preferred', async () => {
    const { scans } = await scanAllShards({ mode: 'pipeline', preferReplica: false, batchKeys: 100 });
    for (const scan of scans) {
      expect(scan.stats.mode).toBe('pipeline');
      expect(scan.scannedOn).toEqual({ id: scan.instance.id, role: 'master' });
    }
    expect(patternTotals(scans, cartPattern)).toMatchObject({
      keys: CARTS,
      elements: CARTS * FIELDS,
      noTtl: CARTS - CARTS_WITH_TTL,
    });
  });

  it('honours the rate limit: at 500 keys/s a shard takes at least as long as its keys require', async () => {
    const target = masters()[0]!;
    const sampler = keyspaceSampler({ ...keyspace, keysPerSecond: 500, batchKeys: 10, timeoutMs: 2000 }, quietLog);
    const [sample] = await sampler.sample(target, ctx, new AbortController().signal);
    const stats = (sample!.value as KeyspaceScanV1).stats;
    expect(stats.keysPerSecond).toBe(500);
    expect(stats.keysScanned).toBeGreaterThan(40); // this test's keys alone put ~70 on every shard
    // A lower bound only: a busy machine may be slower, never faster than the limit allows
    // (the last batch is not waited for).
    expect(stats.durationMs).toBeGreaterThanOrEqual(((stats.keysScanned - 10) / 500) * 1000 * 0.9);
  });
});

describe('keyspace scan on a standalone instance (strings typed and measured by MGET)', () => {
  let server: StandaloneRedis;
  const expected = new Map<string, { type: string; length: number }>();

  beforeAll(async () => {
    server = await startStandaloneRedis('keyspace-scan');
    const r = server.client();
    const strings: Record<string, string> = {
      'str:embstr': 'short',
      'str:int': '12345',
      'str:empty': '',
      'str:raw': 'r'.repeat(64),
      'str:utf8:ключ': 'значение',
      'str:big': 'b'.repeat(10_000),
    };
    for (const [k, v] of Object.entries(strings)) {
      await r.set(k, v);
      expected.set(k, { type: 'string', length: Buffer.byteLength(v) });
    }
    // More keys than one chunk of the scan script (CHUNK_KEYS), lengths on both sides of MGET_MAX_BYTES.
    const bulk = r.pipeline();
    for (let i = 0; i < 1200; i++) {
      const length = i < 1000 ? i : 4000 + i;
      bulk.set(`bulk:${i}`, 'x'.repeat(length));
      expected.set(`bulk:${i}`, { type: 'string', length });
    }
    await bulk.exec();
    await r.rpush('list:1', 'a', 'b', 'c');
    await r.sadd('set:int', 1, 2, 3, 4);
    await r.sadd('set:str', 'a', 'b');
    await r.zadd('zset:1', 1, 'a', 2, 'b');
    await r.hset('hash:small', 'f', 'v');
    const big: string[] = [];
    for (let f = 0; f < 2000; f++) big.push(`f${f}`, 'v');
    await r.hset('hash:big', ...big);
    await r.xadd('stream:1', '*', 'f', 'v');
    for (const [k, type, length] of [
      ['list:1', 'list', 3],
      ['set:int', 'set', 4],
      ['set:str', 'set', 2],
      ['zset:1', 'zset', 2],
      ['hash:small', 'hash', 1],
      ['hash:big', 'hash', 2000],
      ['stream:1', 'stream', 1],
    ] as const)
      expected.set(k, { type, length });
    await r.expire('str:raw', 7200);
    await r.expire('hash:small', 7200);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const settings = (over: Partial<ScanSettings>): ScanSettings => ({
    mode: 'lua',
    batchKeys: 7,
    keysPerSecond: 0,
    latencyGuard: { ...keyspace.latencyGuard, enabled: false },
    topN: 5000,
    maxPatterns: 2000,
    withFreq: false,
    progressEveryMs: 60_000,
    ...over,
  });
  async function scanAll(over: Partial<ScanSettings>) {
    const conns = { scan: server.client(), probe: server.client() };
    const out = await scanKeyspace(conns, settings(over));
    conns.scan.disconnect();
    conns.probe.disconnect();
    return out;
  }

  it('reads every key exactly as the per-key commands of pipeline mode do, with and without PTTL', async () => {
    const reference = await scanAll({ mode: 'pipeline', batchKeys: 50 });
    const byKey = (keys: Array<{ key: string; type: string; bytes: number; length: number; ttlMs: number }>) =>
      Object.fromEntries(
        keys.map((k) => [k.key, { type: k.type, bytes: k.bytes, length: k.length, ttl: k.ttlMs < 0 ? 'none' : 'set' }]),
      );
    expect(reference.stats.keysScanned).toBe(expected.size);
    const want = byKey(reference.result.topKeysByBytes);
    for (const [k, e] of expected) expect(want[k]).toMatchObject(e);
    for (const over of [{}, { batchKeys: 1000 }, { batchKeys: 5000, alwaysReadTtl: true }] as Array<
      Partial<ScanSettings>
    >) {
      const lua = await scanAll(over);
      expect(lua.stats).toMatchObject({ mode: 'lua', keysScanned: expected.size, vanished: 0, ttlRead: true });
      expect(byKey(lua.result.topKeysByBytes)).toEqual(want);
      expect(lua.result.patterns).toEqual(reference.result.patterns);
    }
  });

  it('falls back to per-key commands under an ACL that denies MGET (written for an older redscope)', async () => {
    const admin = server.client();
    await admin.call(
      'ACL',
      'SETUSER',
      'scan-no-mget',
      'on',
      '>pw',
      'resetkeys',
      '~*',
      '-@all',
      '+info',
      '+ping',
      '+dbsize',
      '+scan',
      '+type',
      '+memory|usage',
      '+object|encoding',
      '+strlen',
      '+hlen',
      '+llen',
      '+scard',
      '+zcard',
      '+xlen',
      '+pttl',
      '+evalsha',
      '+script|load',
    );
    const user = () => new Redis({ port: server.port, host: '127.0.0.1', username: 'scan-no-mget', password: 'pw' });
    const conns = { scan: user(), probe: user() };
    const restricted = await scanKeyspace(conns, settings({ batchKeys: 1000 }));
    conns.scan.disconnect();
    conns.probe.disconnect();
    const reference = await scanAll({ batchKeys: 1000 });
    expect(restricted.stats.keysScanned).toBe(expected.size);
    expect(restricted.result.patterns).toEqual(reference.result.patterns);
    // PTTL counts down between the two scans: compare everything else.
    const shape = (keys: typeof reference.result.topKeysByBytes) =>
      keys.map((k) => [k.key, k.type, k.bytes, k.length]).sort();
    expect(shape(restricted.result.topKeysByBytes)).toEqual(shape(reference.result.topKeysByBytes));
  });

  it('skips PTTL when no key has a TTL, and then reports every key without one', async () => {
    const r = server.client();
    await r.persist('str:raw');
    await r.persist('hash:small');
    const lua = await scanAll({});
    expect(lua.stats).toMatchObject({ keysScanned: expected.size, ttlRead: false });
    for (const k of lua.result.topKeysByBytes)
      expect([k.key, k.ttlMs, k.type, k.length]).toEqual([
        k.key,
        -1,
        expected.get(k.key)!.type,
        expected.get(k.key)!.length,
      ]);
  });
});

describe('keyspace scan end to end', () => {
  const config = testConfig();
  const db = config.clickhouse.database;
  const clickhouse = createClickHouse(config.clickhouse);
  let stream: RunningStream;

  beforeAll(async () => {
    await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]); // not what other tests left
    stream = await startStream(config, quietLog);
  });
  afterAll(async () => {
    await stream?.stop();
    await dropDatabase(config);
    await clickhouse.close();
  });

  it('stores one row per pattern and the big keys in ClickHouse, through Kafka and the stream processor', async () => {
    const { samples } = await scanAllShards();
    const sink = new KafkaSink(createKafka(config.kafka, quietLog), quietLog, {
      maxMessages: 1000,
      topics: SAMPLE_TOPICS,
      topicPartitions: config.kafka.topicPartitions,
    });
    await sink.start();
    sink.push(samples);
    await sink.stop(15_000);
    expect(sink.stats()).toMatchObject({ queued: 0, dropped: 0 });

    const query = async <T>(q: { text: string }) =>
      (await clickhouse.query({ query: q.text, format: 'JSONEachRow' })).json<T>();
    const patterns = identifier(`${db}.key_patterns`);
    const rows = await eventually(
      () =>
        query<{ keys: string; no_ttl: string; ttl_lt1d: string; shards: string }>(sql`
        SELECT sum(keys) AS keys, sum(no_ttl) AS no_ttl, sum(ttl_lt1d) AS ttl_lt1d, uniqExact(instance) AS shards
        FROM ${patterns} WHERE pattern = ${cartPattern} AND collector = ${ctx.collector}`),
      (r) => Number(r[0]?.shards) === masters().length,
      { what: `key_patterns rows of ${cartPattern} from every shard`, timeoutMs: 30_000 },
    );
    expect(rows[0]).toMatchObject({
      keys: String(CARTS),
      no_ttl: String(CARTS - CARTS_WITH_TTL),
      ttl_lt1d: String(CARTS_WITH_TTL),
    });
    // big_keys is written in its own insert: on a loaded machine it may land after key_patterns.
    const big = await eventually(
      () =>
        query<{ ranking: string; length: string; scanned_on: string }>(
          sql`SELECT ranking, length, scanned_on FROM ${identifier(`${db}.big_keys`)} WHERE key = ${bigKey} ORDER BY ranking`,
        ),
      (r) => r.length >= 2,
      { what: `big_keys rows of ${bigKey}`, timeoutMs: 30_000 },
    );
    expect(big.map((b) => [b.ranking, Number(b.length)])).toEqual([
      ['bytes', BIG_FIELDS],
      ['length', BIG_FIELDS],
    ]);
    const marks = await query<{ table_name: string }>(
      sql`SELECT DISTINCT table_name FROM ${identifier(`${db}.ingest_watermarks`)} WHERE table_name IN ('key_patterns', 'big_keys')`,
    );
    expect(marks.map((m) => m.table_name).sort()).toEqual(['big_keys', 'key_patterns']);
  });
});
