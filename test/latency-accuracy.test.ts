// Per-call latency, end to end on the real stack: a known mix of calls on a real Redis 7.0,
// the real collector (LATENCY HISTOGRAM with every INFO) → Kafka → stream processor →
// ClickHouse → API. The mix is one command whose calls are mostly fast and 2 % slow
// (DEBUG SET-ACTIVE-EXPIRE 1, a flag set in a microsecond or two, vs DEBUG SLEEP 0.005: a
// sleep, so a busy machine cannot stretch it into another bucket as it would a Lua busy
// loop): the API's p50 and p99 must fall in the right buckets, agree with what the client
// measured, and show what the old mean-based p99 misses. Then the counters are reset
// (CONFIG RESETSTAT), the server restarted and a command called for the first time: the
// stored calls must still equal the calls made, exactly — never negative, never doubled.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { buildApp } from '../api/app.ts';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier, sql } from '../common/sql.ts';
import { SAMPLE_TOPICS } from '../contracts/index.ts';
import { startStream, type RunningStream } from '../stream/index.ts';
import { startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';
import { startStandaloneRedis, type StandaloneRedis } from './support/standalone-redis.ts';

const cluster = uniqueName('acc');
const base = testConfig();
const config = { ...base, collector: { ...base.collector, clusters: [], name: `acc-${base.clickhouse.database}` } };
const db = config.clickhouse.database;
const clickhouse = createClickHouse(config.clickhouse);
const app = buildApp({ clickhouse, database: db });
const startSec = Math.floor(Date.now() / 1000);
let redis: StandaloneRedis;
let client: Redis;
let instance: string;
let collector: RunningCollector;
let stream: RunningStream;

/** Client-side round trips of every call made, µs. */
const measured: number[] = [];
const made = { debug: 0, slow: 0, set: 0 };

async function timed(...args: [string, ...string[]]): Promise<void> {
  const t0 = process.hrtime.bigint();
  await client.call(...args);
  measured.push(Number(process.hrtime.bigint() - t0) / 1000);
}

/** `n` DEBUG calls: every 50th sleeps 5 ms (2 % slow), the others set a flag. */
async function mix(n: number): Promise<void> {
  for (let k = 1; k <= n; k++) {
    const slow = k % 50 === 0;
    await (slow ? timed('DEBUG', 'SLEEP', '0.005') : timed('DEBUG', 'SET-ACTIVE-EXPIRE', '1'));
    made.debug++;
    if (slow) made.slow++;
  }
}

/** Calls of `command` stored for this instance, per bucket (sum over the per-sample table). */
async function stored(command: string): Promise<{ calls: number; buckets: Map<number, number> }> {
  const rs = await clickhouse.query({
    query:
      sql`SELECT sum(calls) AS calls, sumMap(latencyMap.le, latencyMap.n) AS m FROM ${identifier(`${db}.command_histograms_1s`)}
WHERE cluster = ${cluster} AND instance = ${instance} AND command = ${command}`.text,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ calls: string; m: [number[], string[]] }>();
  return {
    calls: Number(row?.calls ?? 0),
    buckets: new Map((row?.m[0] ?? []).map((k, i) => [Number(k), Number(row!.m[1][i])])),
  };
}

const histogramCalls = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Every 5 ms sleep stored at 4,227 µs or slower, and no fast call there. */
function expectSlowCallsStored(buckets: Map<number, number>): void {
  expect([...buckets].filter(([k]) => k >= 12).reduce((n, [, c]) => n + c, 0)).toBe(made.slow);
}

/** Waits until every call made is stored and a few more samples have added nothing. */
async function settled(command: string, expected: number) {
  await eventually(
    () => stored(command),
    (s) => histogramCalls(s.buckets) >= expected,
    { what: `${expected} ${command} calls stored`, timeoutMs: 30_000 },
  );
  await sleep(2000); // four more INFO samples (every 500 ms)
  return stored(command);
}

beforeAll(async () => {
  redis = await startStandaloneRedis('latency-accuracy', ['--enable-debug-command', 'yes']);
  client = redis.client();
  instance = `127.0.0.1:${redis.port}`;
  config.collector.instances = [{ address: instance, cluster }];
  await startGroupsAtEnd(config, [config.stream.groupId], SAMPLE_TOPICS);
  stream = await startStream(config, quietLog);
  collector = await startCollector(config, quietLog);
  // The first sample only sets the baseline: wait for two stored samples before any call.
  await eventually(
    async () => {
      const rs = await clickhouse.query({
        query: sql`SELECT count() AS n FROM ${identifier(`${db}.info_samples`)} WHERE cluster = ${cluster}`.text,
        format: 'JSONEachRow',
      });
      return Number((await rs.json<{ n: string }>())[0]!.n);
    },
    (n) => n >= 2,
    { what: 'two INFO samples stored', timeoutMs: 30_000 },
  );
});

afterAll(async () => {
  await collector?.stop();
  await stream?.stop();
  await redis?.stop();
  await app.close();
  await dropDatabase(config);
  await clickhouse.close();
});

const nearestRank = (sorted: number[], q: number) => sorted[Math.ceil(q * sorted.length) - 1]!;

describe('per-call latency on the real stack', () => {
  it("p50 and p99 of a known mix fall in the right buckets, agree with the client's own timing, and the old mean-based p99 misses it", async () => {
    await mix(5000);
    const s = await settled('debug', made.debug);
    expect(s.calls).toBe(made.debug);
    expect(histogramCalls(s.buckets)).toBe(made.debug);
    expectSlowCallsStored(s.buckets);

    const client = [...measured].sort((a, b) => a - b);
    const clientP50 = nearestRank(client, 0.5);
    const clientP99 = nearestRank(client, 0.99);
    for (const from of [startSec - 60, startSec - 2 * 3600]) {
      // ≤ 1 h reads the per-sample table, 2 h the minute rollup: the same answer.
      const res = await app.inject({ url: `/v1/clusters/${cluster}/latency/commands?command=debug&from=${from}` });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      const debug = body.items[0];
      expect(debug).toMatchObject({ command: 'debug', calls: made.debug, basis: 'calls', histogramCoverage: 1 });
      // p99: rank 4,950 of 5,000 lies among the 100 slow calls → the 5 ms sleep's bucket.
      expect(debug.bounds.p99).toEqual({ lowerUs: 4227, upperUs: 8454 });
      expect(debug.p99).toBeGreaterThan(4227);
      expect(debug.p99).toBeLessThanOrEqual(8454);
      // The client saw the same: its p99 is a 5 ms sleep plus a round trip, inside that bucket.
      expect(clientP99).toBeGreaterThan(debug.bounds.p99.lowerUs);
      expect(clientP99).toBeLessThan(debug.bounds.p99.upperUs);
      // p50: a flag set (a few µs inside Redis), below what the client measured (which
      // adds the network), and nowhere near the slow bucket.
      expect(debug.bounds.p50.upperUs).toBeLessThanOrEqual(16);
      expect(debug.p50).toBeLessThan(clientP50);
    }

    // The old answer (Stage 4): percentiles of per-sample mean latency, from the same samples.
    const rs = await clickhouse.query({
      query: sql`SELECT quantileTDigest(0.99)(usec_delta / calls_delta) AS p99 FROM ${identifier(`${db}.command_stats`)}
WHERE cluster = ${cluster} AND command = 'debug' AND calls_delta > 0`.text,
      format: 'JSONEachRow',
    });
    const oldP99 = Number((await rs.json<{ p99: number }>())[0]!.p99);
    const api = (
      await app.inject({ url: `/v1/clusters/${cluster}/latency/commands?command=debug&from=${startSec - 60}` })
    ).json().items[0];
    console.info(
      `known mix, µs: API p50 ${api.p50} in (${api.bounds.p50.lowerUs}, ${api.bounds.p50.upperUs}], p99 ${api.p99} in (${api.bounds.p99.lowerUs}, ${api.bounds.p99.upperUs}]; client p50 ${clientP50.toFixed(1)}, p99 ${clientP99.toFixed(1)}; old mean-based p99 ${oldP99.toFixed(1)}`,
    );
    expect(oldP99).toBeGreaterThan(0);
    expect(oldP99).toBeLessThan(4227 / 4); // the means hide the 5 ms calls: far below their bucket
  });

  it('CONFIG RESETSTAT between samples: no call lost, none counted twice', async () => {
    const before = made.debug;
    await client.call('CONFIG', 'RESETSTAT');
    // More calls after the reset than before it in every bucket, so only the reset itself tells.
    await mix(6000);
    const s = await settled('debug', made.debug);
    expect(made.debug - before).toBe(6000);
    expect(histogramCalls(s.buckets)).toBe(made.debug);
    expect(s.calls).toBe(made.debug);
    expectSlowCallsStored(s.buckets);
  });

  it('a restart between samples: the new server counts from zero, nothing negative or doubled', async () => {
    await redis.restart();
    await client.ping().catch(() => client.ping()); // reconnected
    await mix(7000);
    const s = await settled('debug', made.debug);
    expect(histogramCalls(s.buckets)).toBe(made.debug);
    expect(s.calls).toBe(made.debug);
    expectSlowCallsStored(s.buckets);
    // UInt64 columns would show a negative delta as a huge number: none anywhere.
    const rs = await clickhouse.query({
      query:
        sql`SELECT max(arrayReduce('max', latencyMap.n)) AS biggest FROM ${identifier(`${db}.command_histograms_1s`)} WHERE cluster = ${cluster}`
          .text,
      format: 'JSONEachRow',
    });
    expect(Number((await rs.json<{ biggest: string }>())[0]!.biggest)).toBeLessThan(1e6);
  });

  it('a command first seen mid-range counts from its first call', async () => {
    for (let k = 0; k < 500; k++) await client.set(`acc:${k}`, 'v');
    made.set += 500;
    const s = await settled('set', made.set);
    expect(s.calls).toBe(500);
    expect(histogramCalls(s.buckets)).toBe(500);
    const res = await app.inject({ url: `/v1/clusters/${cluster}/latency?command=set&from=${startSec - 60}&step=60` });
    const body = res.json();
    expect(body.points.reduce((n: number, p: { calls: number }) => n + p.calls, 0)).toBe(500);
  });
});
