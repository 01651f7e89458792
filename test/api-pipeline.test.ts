// End to end: samples through Kafka and the real stream processor, then the API — the
// rollup views fill in the same INSERT, so the latency endpoints see a sample seconds after
// it was produced, on every tier, with its per-call latency buckets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { SAMPLE_TOPICS, TOPICS, type InfoSampleV1, type SlowlogSampleV1 } from '../contracts/index.ts';
import { startStream, type RunningStream } from '../stream/index.ts';
import { produceRaw, startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const config = testConfig();
const clickhouse = createClickHouse(config.clickhouse);
const TOKEN = 'e2e-token-5d1c9a7f3b2e8c40';
const app = buildApp({
  clickhouse,
  database: config.clickhouse.database,
  tokens: [{ name: 'e2e', token: TOKEN, scope: 'read' }],
});
const cluster = uniqueName('e2e');
const now = Math.floor(Date.now() / 1000);
let stream: RunningStream;

function info(i: number, tsSec: number): InfoSampleV1 {
  const m = syntheticInfo(cluster, i, 2);
  // hgetall is the slow one: 50 µs per call on average, and per call 3 of 4 take 16–33 µs,
  // 1 of 4 takes 132–264 µs (LATENCY HISTOGRAM buckets 5 and 8).
  return {
    ...m,
    ts: tsSec * 1000,
    latencyHistogram: 'ok',
    commands: [
      ...m.commands,
      {
        command: 'hgetall',
        calls: 0,
        usec: 0,
        callsDelta: 4,
        usecDelta: 200,
        latencyBuckets: [0, 0, 0, 0, 0, 3, 0, 0, 1],
      },
    ],
  };
}

beforeAll(async () => {
  await startGroupsAtEnd(config, [config.stream.groupId], SAMPLE_TOPICS);
  stream = await startStream(config, quietLog);
  const samples = Array.from({ length: 20 }, (_, k) => info(k % 2, now - 300 + Math.floor(k / 2) * 10));
  await produceRaw(
    config,
    TOPICS.info,
    samples.map((m) => ({ key: m.instance.id, value: JSON.stringify(m) })),
  );
  const slow: SlowlogSampleV1 = {
    v: 1,
    kind: 'slowlog',
    ts: now * 1000,
    instance: { id: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, cluster },
    collector: 'e2e',
    runId: 'r',
    reset: false,
    missed: 0,
    entries: [
      {
        id: 1,
        loggedAtS: now - 30,
        durationUs: 250_000,
        command: 'hgetall',
        args: ['big:hash:42'],
        argCount: 2,
        argsTruncated: false,
        clientAddr: '10.2.2.2:4000',
        clientName: 'api',
      },
    ],
  };
  await produceRaw(config, TOPICS.slowlog, [{ key: slow.instance.id, value: JSON.stringify(slow) }]);
});

afterAll(async () => {
  await stream?.stop();
  await app.close();
  await dropDatabase(config);
  await clickhouse.close();
});

const get = (url: string) => app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } });

describe('samples through Kafka and the processor, read through the API', () => {
  it('the slowest command, from raw samples and from the minute and hour rollups alike', async () => {
    for (const from of [now - 1800, now - 86400, now - 3 * 86400]) {
      const body = await eventually(
        async () => (await get(`/v1/clusters/${cluster}/latency/commands?from=${from}&to=${now}`)).json(),
        (b) => b.items?.[0]?.calls === 80,
        { what: `hgetall's 80 calls (20 samples × 4) since ${now - from} s`, timeoutMs: 60_000 },
      );
      expect(body.items[0]).toMatchObject({
        command: 'hgetall',
        usecPerCall: 50,
        basis: 'calls',
        histogramCoverage: 1,
      });
      // The same per-call buckets on every tier: p50 in 16–33 µs, p99 in 132–264 µs.
      expect(body.items[0].bounds).toMatchObject({
        p50: { lowerUs: 16, upperUs: 33 },
        p99: { lowerUs: 132, upperUs: 264 },
      });
      expect(body.items[0].p99).toBeCloseTo(132 + 132 * 0.96, 6);
    }
  });

  it('the instances it came from, with their version', async () => {
    const body = await eventually(
      async () => (await get(`/v1/clusters/${cluster}/instances`)).json(),
      (b) => b.items?.length === 2,
      { what: 'two instances' },
    );
    expect(body.items.map((i: { id: string; version: string }) => [i.id, i.version])).toEqual([
      ['10.0.0.1:7000', '7.0.15'],
      ['10.0.0.1:7001', '7.0.15'],
    ]);
  });

  it('the slow entry and its pattern', async () => {
    const body = await eventually(
      async () => (await get(`/v1/clusters/${cluster}/slowlog`)).json(),
      (b) => b.items?.length === 1,
      { what: 'the slowlog entry' },
    );
    expect(body.items[0]).toMatchObject({ command: 'hgetall', durationUs: 250_000, clientName: 'api' });
    const patterns = (await get(`/v1/clusters/${cluster}/slowlog/patterns`)).json();
    expect(patterns.items[0]).toMatchObject({ pattern: 'hgetall big:hash:*', entries: 1 });
  });

  it('freshness shows the newest sample a few minutes at most behind', async () => {
    const body = (await get(`/v1/freshness?cluster=${cluster}`)).json();
    const row = body.tables.find((t: { table: string }) => t.table === 'info_samples');
    expect(row.newestMs).toBe((now - 300 + 90) * 1000);
  });
});
