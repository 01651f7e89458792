// Redis → collector → Kafka → stream processor → ClickHouse → API, all real.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import { parseClusterNodes } from '../collectors/samplers/topology/parse-cluster-nodes.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { startStream, type RunningStream } from '../stream/index.ts';
import { SAMPLE_TOPICS } from '../contracts/index.ts';
import { startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, endpoints, eventually, quietLog, testConfig } from './support/pipeline.ts';

const config = testConfig();
let stream: RunningStream;
let collector: RunningCollector;
const clickhouse = createClickHouse(config.clickhouse);
const app = buildApp({ clickhouse, database: config.clickhouse.database });

beforeAll(async () => {
  await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]); // not what other tests left
  stream = await startStream(config, quietLog);
  collector = await startCollector(config, quietLog);
});

afterAll(async () => {
  await collector?.stop();
  await stream?.stop();
  await app.close();
  await dropDatabase(config);
  await clickhouse.close();
});

/** A master of the local cluster and a hash tag whose slot it owns. */
async function masterWithTag(): Promise<{ redis: Redis; id: string; tag: string }> {
  const [host, port] = endpoints.redisSeeds[0]!.split(':');
  const seed = new Redis({ host, port: Number(port) });
  const nodes = parseClusterNodes(String(await seed.call('CLUSTER', 'NODES')));
  seed.disconnect();
  const master = nodes.find((n) => n.role === 'master' && n.slots.length > 0 && !n.failing)!;
  const redis = new Redis({ host: master.host, port: master.port });
  const [lo, hi] = master.slots[0]!;
  for (let i = 0; ; i++) {
    const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', `{e2e${i}}`));
    if (slot >= lo && slot <= hi) return { redis, id: `${master.host}:${master.port}`, tag: `{e2e${i}}` };
  }
}

async function latest(instance: string, name: string): Promise<number | undefined> {
  const from = Math.floor(Date.now() / 1000) - 120;
  const res = await app.inject({ url: `/v1/instances/${instance}/metrics?names=${name}&from=${from}&step=1` });
  expect(res.statusCode).toBe(200);
  const points = res.json().series[0].points as Array<[number, number]>;
  return points.at(-1)?.[1];
}

describe('INFO end to end', () => {
  it('discovers all six cluster nodes from one seed', () => {
    expect(collector.collector.instances()).toHaveLength(6);
  });

  it('a key count changed in Redis shows up through the API within seconds', async () => {
    const { redis, id, tag } = await masterWithTag();
    try {
      const before = Number(/expires=(\d+)/.exec(await redis.info('keyspace'))?.[1] ?? 0);
      const pipeline = redis.pipeline();
      for (let i = 0; i < 1234; i++) pipeline.set(`${tag}:k${i}`, 'v', 'EX', 600);
      await pipeline.exec();
      // "Within seconds": eventually's 20 s bound; the speed itself is measured by the benchmarks.
      const seen = await eventually(
        () => latest(id, 'keyspace_expires'),
        (v) => v !== undefined && v >= before + 1234,
        { what: `keyspace_expires of ${id} ≥ ${before + 1234}` },
      );
      expect(seen).toBeGreaterThanOrEqual(before + 1234);
    } finally {
      const keys = await redis.keys(`${tag}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('stores per-command counters with latency percentiles', async () => {
    const row = await eventually(
      async () => {
        const rs = await clickhouse.query({
          query: `SELECT command, max(calls) AS calls, max(p99_us) AS p99 FROM ${config.clickhouse.database}.command_stats WHERE command = 'info' GROUP BY command`,
          format: 'JSONEachRow',
        });
        return (await rs.json<{ command: string; calls: string; p99: number | null }>())[0];
      },
      (r) => r !== undefined,
      { what: 'commandstats of INFO stored' },
    );
    expect(Number(row?.calls)).toBeGreaterThan(0);
    expect(row?.p99).not.toBeNull();
  });
});
