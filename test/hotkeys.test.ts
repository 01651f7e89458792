// Hot keys on a test-owned standalone redis-server (server-wide settings and MONITOR stay
// away from the shared cluster): OBJECT FREQ during a keyspace scan under allkeys-lfu, and
// capped MONITOR windows through the hot keys sampler; then into ClickHouse.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaSink } from '../collectors/kafka-sink.ts';
import { monitorWindow } from '../collectors/samplers/hotkeys/monitor-window.ts';
import { hotKeysSampler } from '../collectors/samplers/hotkeys/sampler.ts';
import { keyspaceSampler } from '../collectors/samplers/keyspace/sampler.ts';
import type { Sample, Target } from '../collectors/sampler.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { defaultConfig } from '../common/config.ts';
import { createKafka } from '../common/kafka.ts';
import { identifier, sql } from '../common/sql.ts';
import { HotKeysV1, SAMPLE_TOPICS, TOPICS, validator, type KeyspaceScanV1 } from '../contracts/index.ts';
import { startStream } from '../stream/index.ts';
import { dropDatabase, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';
import { startStandaloneRedis, type StandaloneRedis } from './support/standalone-redis.ts';
import { startGroupsAtEnd } from './support/kafka.ts';

const defaults = defaultConfig().collector.keyspace;
const collector = uniqueName('hotkeys-test');
const checkHotKeys = validator(HotKeysV1);
let server: StandaloneRedis;
let target: Target;

/** GETs `key` `times` times, in pipelines of 100. */
async function hammer(key: string, times: number): Promise<void> {
  const r = server.client();
  for (let i = 0; i < times; i += 100) {
    const p = r.pipeline();
    for (let j = 0; j < Math.min(100, times - i); j++) p.get(key);
    await p.exec();
  }
}

function hotkeysOf(samples: Sample[]): HotKeysV1 {
  const hot = samples.find((s) => s.topic === TOPICS.hotkeys)?.value as HotKeysV1 | undefined;
  expect(hot, 'a hotkeys sample').toBeDefined();
  const valid = checkHotKeys(hot);
  expect(valid.ok ? 'valid' : valid.reason).toBe('valid');
  return hot!;
}

beforeAll(async () => {
  server = await startStandaloneRedis('hotkeys', ['--maxmemory-policy', 'allkeys-lfu']);
  const redis = server.client();
  target = {
    ref: { id: `127.0.0.1:${server.port}`, host: '127.0.0.1', port: server.port, cluster: 'standalone' },
    redis,
  };
  const p = redis.pipeline();
  for (let i = 0; i < 500; i++) p.set(`cold:${i}`, 'x');
  p.set('hot:counter', '1');
  await p.exec();
});

afterAll(async () => {
  await server?.stop();
});

describe('hot keys', () => {
  const samples: Sample[] = [];

  it('under allkeys-lfu, the keyspace scan ranks a hammered key first by OBJECT FREQ', async () => {
    await hammer('hot:counter', 3000);
    const sampler = keyspaceSampler({ ...defaults, jitterMs: 0, timeoutMs: 2000 }, quietLog);
    const out = await sampler.sample(target, { collector }, new AbortController().signal);
    const hot = hotkeysOf(out);
    expect(hot.method).toBe('object-freq');
    // No key has a TTL here, so the scan skipped PTTL and counts every key as without one.
    const scan = out.find((s) => s.topic === TOPICS.keyspace)!.value as KeyspaceScanV1;
    expect(scan.stats.ttlRead).toBe(false);
    expect(scan.patterns.find((p) => p.pattern === 'cold:*')).toMatchObject({ keys: 500, noTtl: 500 });
    expect(hot.keys[0]).toMatchObject({ key: 'hot:counter', pattern: 'hot:counter', metric: 'lfu-counter' });
    // Cold keys sit at the LFU initial value (5); the hammered one is well above it.
    expect(hot.keys[0]!.score).toBeGreaterThan(hot.keys[1]!.score);
    samples.push(...out);
  });

  it('a MONITOR window counts commands per key and names the method', async () => {
    const sampler = hotKeysSampler({
      ...defaults,
      hotkeys: {
        ...defaults.hotkeys,
        topN: 5,
        monitor: { enabled: true, durationMs: 1500, maxBytes: 10 * 1024 * 1024 },
      },
      timeoutMs: 2000,
    });
    const running = sampler.sample(target, { collector }, new AbortController().signal);
    await sleep(300); // MONITOR is on by now
    await hammer('hot:monitored', 400);
    await server.client().get('cold:1');
    const hot = hotkeysOf(await running);
    expect(hot.method).toBe('monitor');
    expect(hot.keys[0]).toMatchObject({ key: 'hot:monitored', metric: 'commands', score: 400 });
    expect(hot.commandsSeen).toBeGreaterThanOrEqual(401);
    expect(hot.truncated).toBe(false);
    samples.push({ topic: TOPICS.hotkeys, value: hot });
  });

  it('a MONITOR window ends early at its byte cap and closes its connection', async () => {
    let loading = true;
    const load = (async () => {
      while (loading) await hammer('hot:capped', 100);
    })();
    const result = await monitorWindow(
      { host: '127.0.0.1', port: server.port },
      { durationMs: 4000, maxBytes: 4096, topN: 3 },
    ).finally(() => (loading = false));
    expect(result.truncated).toBe(true);
    expect(result.bytesSeen).toBeGreaterThanOrEqual(4096);
    expect(result.windowMs).toBeLessThan(4000);
    const monitors = (String(await server.client().call('CLIENT', 'LIST')).match(/cmd=monitor/g) ?? []).length;
    expect(monitors).toBe(0);
    await load;
  });

  it('a hot keys sampler with nothing to use (no HOTKEYS, no SLOT-STATS, MONITOR off) sends nothing', async () => {
    const sampler = hotKeysSampler({ ...defaults, timeoutMs: 2000 });
    expect(await sampler.sample(target, { collector }, new AbortController().signal)).toEqual([]);
  });

  it('stores the hot keys in ClickHouse with their method, through Kafka and the stream processor', async () => {
    const config = testConfig();
    await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]); // not what other tests left
    const stream = await startStream(config, quietLog);
    const clickhouse = createClickHouse(config.clickhouse);
    try {
      const sink = new KafkaSink(createKafka(config.kafka, quietLog), quietLog, {
        maxMessages: 100,
        topics: SAMPLE_TOPICS,
        topicPartitions: config.kafka.topicPartitions,
      });
      await sink.start();
      sink.push(samples.filter((s) => s.topic === TOPICS.hotkeys));
      await sink.stop(15_000);
      const table = identifier(`${config.clickhouse.database}.hot_keys`);
      const rows = await eventually(
        async () =>
          (
            await clickhouse.query({
              query:
                sql`SELECT method, metric, key FROM ${table} WHERE rank = 1 AND instance = ${target.ref.id} AND key LIKE 'hot:%' ORDER BY method`
                  .text,
              format: 'JSONEachRow',
            })
          ).json<{ method: string; metric: string; key: string }>(),
        (r) => r.length >= 2,
        { what: 'hot_keys rows of both methods', timeoutMs: 30_000 },
      );
      expect(rows).toEqual([
        { method: 'monitor', metric: 'commands', key: 'hot:monitored' },
        { method: 'object-freq', metric: 'lfu-counter', key: 'hot:counter' },
      ]);
    } finally {
      await stream.stop();
      await dropDatabase(config);
      await clickhouse.close();
    }
  });
});
