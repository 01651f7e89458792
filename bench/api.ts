// API speed on a week of data for a 250-instance cluster, with Fastify's own hello world
// measured in the same run as the baseline (the box is shared and noisy: only same-run
// ratios compare). Goals: the 24 h per-command percentile query answers p99 < 100 ms under
// 50 concurrent clients each asking a different window (so no answer comes from the result
// cache), a 7-day window p99 < 300 ms, and cached inventory calls reach ≥ half of hello
// world's req/s. Samples carry per-call latency buckets (LATENCY HISTOGRAM) as Redis 7 sends them.
//
// Data is built by the processor's own row builder and inserted into info_samples, so the
// materialized views fill every rollup as in production; BENCH_LOAD=pipeline sends it through
// Kafka and the stream processor instead (~35 min on this box). 7 days at 1 s would be 151 M
// samples, too many for this box: the simulator makes one sample per instance every
// BENCH_COARSE_S (300 s) for 7 days, plus one per second for the last BENCH_FINE_S (3600 s). Own stack on its own
// ports (data in .redscope/bench-api-stack), stopped and deleted at the end unless
// BENCH_KEEP_STACK=1, which leaves it running with its data for the next run to reuse.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { CompressionTypes, Partitioners, type Producer } from 'kafkajs';
import { createClickHouse, type ClickHouseClient } from '../common/clickhouse.ts';
import { defaultConfig, type Config } from '../common/config.ts';
import { createKafka, ensureTopics } from '../common/kafka.ts';
import { createLogger } from '../common/log.ts';
import { identifier, sql } from '../common/sql.ts';
import {
  bucketOf,
  BUCKET_COUNT,
  SAMPLE_TOPICS,
  TOPICS,
  type InfoSampleV1,
  type TopologySampleV1,
} from '../contracts/index.ts';
import { stackReset, stackUp } from '../stack/index.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { infoRows } from '../stream/rows/info-rows.ts';
import { captureInfo } from './fleet-samples.ts';
import type { BenchResult } from './run.ts';

const INSTANCES = 250;
const COARSE_S = Number(process.env.BENCH_COARSE_S ?? 300);
const FINE_S = Number(process.env.BENCH_FINE_S ?? 3600);
const DAYS = 7;
const CONNECTIONS = 50;
// Distinct windows stay over the loaded week: 24 h windows ending 1 min apart over its last 6
// days, 7-day windows over its last day. (Stepping back 100,000 minutes, ~88 % of a 15 s run
// at 5,700 req/s asked about empty weeks before the data.) The commands summary has no
// whole-answer cache, so a window asked again still assembles its answer from pieces.
const WINDOWS_24H = (DAYS - 1) * 1440;
const WINDOWS_7D = 1440;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
/** How the week gets into ClickHouse: `direct` (default) or `pipeline` (Kafka → processor; ~35 min). */
const LOAD = process.env.BENCH_LOAD === 'pipeline' ? 'pipeline' : 'direct';
const CLUSTER = 'bench';
const DATABASE = 'bench_api';
const TOKEN = 'bench-read-token-0123456789';
// Below Linux's ephemeral range (32768–60999): a port in it can be taken by any outgoing
// connection at start-up (seen: Kafka and ClickHouse failing with "address already in use").
const ports = {
  redisBasePort: 7400,
  kafkaPort: 28092,
  kafkaControllerPort: 28093,
  clickhouseHttpPort: 28123,
  clickhouseTcpPort: 28900,
  zookeeperPort: 28181,
  clickhouseReplicaBasePort: 28500,
  kafkaSaslSslPort: 28094,
  clickhouseHttpsPort: 28943,
  redisTlsBasePort: 7320,
};
const API_PORT = 28080;
const HELLO_PORT = 28081;
const ROOT = new URL('..', import.meta.url).pathname;
const DATA_DIR = join(ROOT, '.redscope', 'bench-api-stack');
const log = createLogger('bench', 'warn');
const say = (s: string) => console.log(`[bench] ${s}`);

/** name, mean µs per call, calls/s per instance at the daily mean. */
const COMMANDS: Array<[string, number, number]> = [
  ['get', 1.2, 5000],
  ['set', 1.8, 2000],
  ['hget', 1.5, 1500],
  ['hset', 2.2, 800],
  ['hgetall', 12, 200],
  ['mget', 6, 300],
  ['del', 2.5, 200],
  ['expire', 1.3, 400],
  ['incr', 1.1, 600],
  ['lpush', 1.9, 200],
  ['lrange', 9, 150],
  ['zadd', 4, 250],
  ['zrangebyscore', 15, 100],
  ['zrevrange', 11, 80],
  ['sadd', 2, 120],
  ['smembers', 20, 40],
  ['exists', 1, 300],
  ['ttl', 0.9, 100],
  ['evalsha', 45, 30],
  ['scan', 30, 5],
  ['keys', 900, 0.02],
  ['info', 50, 1],
  ['ping', 0.5, 50],
  ['cluster|nodes', 80, 1],
  ['client|list', 60, 0.2],
  ['config|get', 20, 0.2],
];
/** INFO fields kept from the captured template (the rest only slow the load down). */
const KEEP_FIELDS =
  /^(used_memory|used_memory_rss|connected_clients|blocked_clients|instantaneous_ops_per_sec|uptime_in_seconds|keyspace_.*|total_commands_processed|evicted_keys|expired_keys|mem_fragmentation_ratio|rejected_connections|latest_fork_usec|rdb_bgsave_in_progress|aof_rewrite_in_progress|master_repl_offset|connected_slaves)$/;

/** A deterministic pseudo-random number in [0, 1) from integers. */
function noise(a: number, b: number, c = 0): number {
  let h = (a * 374761393 + b * 668265263 + c * 2147483647) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

const instanceId = (i: number) => `10.20.0.${i}:${7000 + i}`;

export function sample(template: InfoSampleV1, i: number, tsMs: number, intervalS: number, tick: number): InfoSampleV1 {
  const hour = new Date(tsMs).getUTCHours();
  const diurnal = 1 + 0.5 * Math.sin(((hour - 8) / 24) * 2 * Math.PI);
  const fields: Record<string, number> = {};
  for (const [k, v] of Object.entries(template.fields))
    if (KEEP_FIELDS.test(k)) fields[k] = Number.isInteger(v) ? Math.round(v * (1 + noise(i, tick) * 0.2)) : v;
  fields.used_memory = Math.round(2e9 * (0.5 + noise(i, 1)) + tick * 1000);
  fields.instantaneous_ops_per_sec = Math.round(12000 * diurnal * (0.8 + 0.4 * noise(i, tick, 2)));
  const commands = COMMANDS.map(([command, usPerCall, rate], k) => {
    const callsDelta = Math.round(rate * intervalS * diurnal * (0.7 + 0.6 * noise(i, tick, k)));
    // Mostly steady, with a spike on about 1 sample in 100 (a slow client, a big key).
    const spike = noise(k, tick, i + 7) < 0.01 ? 8 : 1;
    const mean = usPerCall * (0.8 + 0.4 * noise(i, tick, k + 100)) * spike;
    return {
      command,
      calls: callsDelta * (tick + 1),
      usec: Math.round(callsDelta * mean) * (tick + 1),
      callsDelta,
      usecDelta: Math.round(callsDelta * mean),
      p50Us: usPerCall,
      p99Us: usPerCall * 4,
      p999Us: usPerCall * 10,
      latencyBuckets: callBuckets(callsDelta, mean, noise(i, tick, k + 200)),
    };
  });
  const port = 7000 + i;
  return {
    ...template,
    ts: tsMs,
    instance: { id: instanceId(i), host: `10.20.0.${i}`, port, cluster: CLUSTER },
    role: i % 2 === 0 ? 'master' : 'replica',
    fields,
    commands,
    errors: [],
    replicas: [],
    intervalMs: intervalS * 1000,
    latencyHistogram: 'ok',
  };
}

/**
 * The interval's calls per LATENCY HISTOGRAM bucket for a command whose calls average
 * `meanUs`: 70 % in the mean's bucket, 20 % one faster, 9 % one slower, 1 % four slower
 * (the tail), as Redis 7 would send them (contracts/latency-buckets.ts).
 */
function callBuckets(calls: number, meanUs: number, r: number): number[] {
  const k = bucketOf(meanUs);
  const out = new Array<number>(Math.min(BUCKET_COUNT, k + 5)).fill(0);
  const slow = Math.round(calls * 0.01 * (0.5 + r));
  const over = Math.round(calls * 0.09);
  const under = k > 0 ? Math.round(calls * 0.2) : 0;
  out[Math.min(k + 4, BUCKET_COUNT - 1)]! += slow;
  out[Math.min(k + 1, BUCKET_COUNT - 1)]! += over;
  if (k > 0) out[k - 1]! += under;
  out[k]! += Math.max(0, calls - slow - over - under);
  while (out.length > 0 && out[out.length - 1] === 0) out.pop();
  return out;
}

/** One observer's view of the simulated cluster: 125 masters with a slot range each, 125 replicas. */
function topology(observer: number, tsMs: number): TopologySampleV1 {
  const masters = INSTANCES / 2;
  const nodes = Array.from({ length: INSTANCES }, (_, i) => {
    const m = Math.floor(i / 2);
    const first = Math.floor((m * 16384) / masters);
    const last = Math.floor(((m + 1) * 16384) / masters) - 1;
    return {
      id: `node${String(i).padStart(36, '0')}`,
      host: `10.20.0.${i}`,
      port: 7000 + i,
      busPort: 17000 + i,
      role: i % 2 === 0 ? ('master' as const) : ('replica' as const),
      ...(i % 2 === 1 ? { masterId: `node${String(i - 1).padStart(36, '0')}` } : {}),
      flags: [...(i === observer ? ['myself'] : []), i % 2 === 0 ? 'master' : 'slave'],
      failing: null,
      configEpoch: m + 1,
      linkState: 'connected' as const,
      pingSentMs: 0,
      pongRecvMs: tsMs,
      slots: i % 2 === 0 ? [[first, last] as [number, number]] : [],
      migrating: [],
      importing: [],
      health: 'online',
    };
  });
  return {
    v: 1,
    kind: 'topology',
    ts: tsMs,
    instance: { id: instanceId(observer), host: `10.20.0.${observer}`, port: 7000 + observer, cluster: CLUSTER },
    collector: 'bench',
    durationUs: 500,
    myId: nodes[observer]!.id,
    clusterState: 'ok',
    slotsAssigned: 16384,
    slotsOk: 16384,
    slotsPfail: 0,
    slotsFail: 0,
    knownNodes: INSTANCES,
    size: masters,
    currentEpoch: masters,
    myEpoch: Math.floor(observer / 2) + 1,
    nodes,
    viewHash: '0123456789abcdef',
    viewChanged: false,
    keyframe: true,
    changes: [],
  };
}

async function count(ch: ClickHouseClient, table: string, where = ''): Promise<number> {
  const rs = await ch.query({
    query: `SELECT count() AS n FROM ${identifier(`${DATABASE}.${table}`).text} ${where}`,
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: string }>())[0]!.n);
}

async function produce(
  producer: Producer,
  topic: string,
  messages: Array<{ key: string; value: string }>,
): Promise<void> {
  for (let i = 0; i < messages.length; i += 1000)
    await producer.send({ topic, compression: CompressionTypes.GZIP, messages: messages.slice(i, i + 1000) });
}

function startProcess(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, REDSCOPE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

interface Load {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

async function cannon(opts: {
  url: string;
  connections?: number;
  path?: () => string;
  headers?: Record<string, string>;
}): Promise<Load> {
  const r = await autocannon({
    url: opts.url,
    connections: opts.connections ?? CONNECTIONS,
    duration: DURATION_S,
    headers: opts.headers,
    ...(opts.path ? { requests: [{ setupRequest: (req: { path: string }) => ({ ...req, path: opts.path!() }) }] } : {}),
  } as autocannon.Options);
  return {
    reqPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

/** Loads the week of samples through Kafka and the processor, unless a previous run left them. */
async function load(
  config: Config,
  ch: ClickHouseClient,
  redisSeeds: string[],
): Promise<Record<string, number | string>> {
  const coarseTicks = Math.floor((DAYS * 86400 - FINE_S) / COARSE_S);
  const expected = INSTANCES * (coarseTicks + FINE_S);
  const kafka = createKafka(config.kafka, log);
  await ensureTopics(
    kafka,
    [...SAMPLE_TOPICS, TOPICS.topologyV1, TOPICS.deadLetter, TOPICS.alerts],
    config.kafka.topicPartitions,
  );
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const proc = startProcess(['cli/redscope.ts', 'stream'], {
    REDSCOPE_KAFKA_BROKERS: config.kafka.brokers.join(','),
    REDSCOPE_CLICKHOUSE_URL: config.clickhouse.url,
    REDSCOPE_CLICKHOUSE_DATABASE: DATABASE,
    REDSCOPE_STREAM_GROUP_ID: 'bench-api',
    REDSCOPE_STREAM_HEALTH_PORT: '0', // any free port: another processor on this box may hold 9122
  });
  try {
    await migrate(ch, DATABASE);
    let have = await count(ch, 'info_samples');
    let loadSeconds = 0;
    let loadedNow = false;
    if (have < expected) {
      if (have > 0) {
        // An interrupted load (BENCH_KEEP_STACK=1 keeps the stack): blocks landed in no
        // particular order, so start the week again rather than guess what is missing.
        say(`${DATABASE} holds ${have} of ${expected} samples (an interrupted load): dropping it and loading again`);
        await ch.command({ query: `DROP DATABASE IF EXISTS ${identifier(DATABASE).text}` });
        await migrate(ch, DATABASE);
      }
      loadedNow = true;
      const [template] = await captureInfo(redisSeeds.slice(0, 1));
      const end = Date.now();
      const start = end - DAYS * 86_400_000;
      say(
        `loading ${expected.toLocaleString()} samples ${LOAD === 'direct' ? "with the processor's row builder, inserted straight into ClickHouse" : 'through Kafka → processor → ClickHouse'}: ${INSTANCES} instances, every ${COARSE_S} s for ${DAYS} days, every 1 s for the last ${FINE_S} s…`,
      );
      const t0 = performance.now();
      const ticks: Array<[number, number]> = [];
      for (let k = 0; k < coarseTicks; k++) ticks.push([start + k * COARSE_S * 1000, COARSE_S]);
      for (let k = 0; k < FINE_S; k++) ticks.push([end - (FINE_S - k) * 1000, 1]);
      if (LOAD === 'direct') {
        // An insert fans out to every rollup's materialized view: on a loaded box one block
        // took longer than the API's 60 s request timeout. Retrying would risk a double copy.
        const loader = createClickHouse(config.clickhouse, { requestTimeoutMs: 900_000 });
        try {
          await insertDirect(loader, template!, ticks);
        } finally {
          await loader.close();
        }
      } else
        for (let n = 0; n < ticks.length; n++) {
          const [ts, interval] = ticks[n]!;
          await produce(
            producer,
            TOPICS.info,
            Array.from({ length: INSTANCES }, (_, i) => ({
              key: instanceId(i),
              value: JSON.stringify(sample(template!, i, ts, interval, n)),
            })),
          );
          if (n % 500 === 0)
            say(
              `  produced ${((n * INSTANCES) / 1e6).toFixed(2)} M, stored ${((await count(ch, 'info_samples')) / 1e6).toFixed(2)} M`,
            );
        }
      for (have = await count(ch, 'info_samples'); have < expected; have = await count(ch, 'info_samples'))
        await sleep(1000);
      loadSeconds = (performance.now() - t0) / 1000;
      say(
        `loaded in ${loadSeconds.toFixed(0)} s (${Math.round(expected / loadSeconds)} samples/s, ${LOAD === 'direct' ? 'direct inserts' : 'through the pipeline'})`,
      );
    } else say(`reusing ${have.toLocaleString()} samples already in ${DATABASE} (BENCH_KEEP_STACK=1 run)`);
    // A fresh topology round every run: inventory reads views of the last 10 minutes.
    const before = await count(ch, 'topology_samples');
    const now = Date.now();
    await produce(
      producer,
      // The simulated cluster's samples are contract v1 (full node list): their own topic,
      // upgraded by the processor. On the v2 topic they were dead letters, and the bench
      // waited for topology rows forever.
      TOPICS.topologyV1,
      Array.from({ length: INSTANCES }, (_, i) => ({ key: instanceId(i), value: JSON.stringify(topology(i, now)) })),
    );
    while ((await count(ch, 'topology_samples')) < before + INSTANCES) await sleep(500);
    return {
      samples: have,
      loadedBy: LOAD === 'direct' ? 'row builder + direct INSERT' : 'Kafka → processor',
      coarseEveryS: COARSE_S,
      fineLastS: FINE_S,
      loadedThisRun: loadedNow ? 'yes' : 'no',
      loadSeconds: Math.round(loadSeconds),
      commandStatsRows: await count(ch, 'command_stats'),
      clusterMinuteRows: await count(ch, 'command_histograms_1m', "WHERE instance = ''"),
      clusterHourRows: await count(ch, 'command_histograms_1h', "WHERE instance = ''"),
    };
  } finally {
    proc.kill('SIGTERM');
    await producer.disconnect();
  }
}

/**
 * The week of samples as the processor would store them — the same row builder
 * (stream/rows/info-rows.ts), so the materialized views fill every rollup exactly as in
 * production — but inserted straight into info_samples, two inserts at a time, in blocks of
 * 20 ticks (5,000 samples). Through Kafka and the processor the same 1.4 M samples take ~35 minutes on this
 * box (~700 samples/s measured under load); BENCH_LOAD=pipeline still does that.
 */
async function insertDirect(
  ch: ClickHouseClient,
  template: InfoSampleV1,
  ticks: ReadonlyArray<readonly [number, number]>,
): Promise<void> {
  const table = identifier(`${DATABASE}.info_samples`).text;
  const TICKS_PER_BLOCK = 20;
  let next = 0;
  let offset = 0;
  let done = 0;
  let reported = 0;
  const inserter = async () => {
    while (next < ticks.length) {
      const first = next;
      next = Math.min(ticks.length, next + TICKS_PER_BLOCK);
      const rows: Record<string, unknown>[] = [];
      for (let n = first; n < next; n++) {
        const [ts, interval] = ticks[n]!;
        for (let i = 0; i < INSTANCES; i++) {
          const m = sample(template, i, ts, interval, n);
          rows.push(infoRows(m, { topic: 'bench-load', partition: 0, offset: offset++ }).get('info_samples')![0]!);
        }
      }
      await ch.insert({ table, values: rows, format: 'JSONEachRow' });
      done += rows.length;
      if (done - reported >= 100_000) {
        reported = done;
        say(`  inserted ${(done / 1e6).toFixed(2)} M`);
      }
    }
  };
  await Promise.all([inserter(), inserter()]);
}

async function timeQuery(ch: ClickHouseClient, query: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await (await ch.query({ query, format: 'JSONEachRow' })).json();
    times.push(performance.now() - t0);
  }
  return +times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!.toFixed(1);
}

export default async function run(): Promise<BenchResult> {
  say(
    `starting the benchmark's own stack (ports ${ports.redisBasePort}, ${ports.kafkaPort}, ${ports.clickhouseHttpPort})…`,
  );
  const { endpoints } = await stackUp({ ports, dataDir: DATA_DIR, log: () => {} });
  const base = defaultConfig();
  const config: Config = {
    ...base,
    kafka: { ...base.kafka, brokers: endpoints.kafkaBrokers },
    clickhouse: { ...base.clickhouse, url: endpoints.clickhouseUrl, database: DATABASE },
  };
  const ch = createClickHouse(config.clickhouse);
  const children: ChildProcess[] = [];
  try {
    const data = await load(config, ch, endpoints.redisSeeds);

    mkdirSync(DATA_DIR, { recursive: true });
    const configFile = join(DATA_DIR, 'bench-api.yaml');
    // Rate limit out of the way: the benchmark is one client hammering on purpose.
    writeFileSync(
      configFile,
      `api:\n  port: ${API_PORT}\n  rateLimitPerMinute: 100000000\n  tokens:\n    - { name: bench, token: ${TOKEN}, scope: read }\n`,
    );
    children.push(
      startProcess(['cli/redscope.ts', '-c', configFile, 'api'], {
        // Environment variables override the config file: a REDSCOPE_API_PORT left in the
        // shell (a developer's own port) would otherwise move the API off the port polled here.
        REDSCOPE_API_PORT: String(API_PORT),
        REDSCOPE_API_HOST: '127.0.0.1',
        REDSCOPE_CLICKHOUSE_URL: endpoints.clickhouseUrl,
        REDSCOPE_CLICKHOUSE_DATABASE: DATABASE,
        REDSCOPE_KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      }),
    );
    const hello = `import Fastify from 'fastify'; const app = Fastify(); app.get('/', async () => ({ hello: 'world' })); await app.listen({ port: ${HELLO_PORT}, host: '127.0.0.1' });`;
    children.push(spawn(process.execPath, ['--input-type=module', '-e', hello], { cwd: ROOT, stdio: 'inherit' }));
    const api = `http://127.0.0.1:${API_PORT}`;
    await Promise.all([waitForHttp(`${api}/v1/health`), waitForHttp(`http://127.0.0.1:${HELLO_PORT}/`)]);
    const headers = { authorization: `Bearer ${TOKEN}` };

    const now = Math.floor(Date.now() / 1000);
    const top24h = `/v1/clusters/${CLUSTER}/latency/commands?from=${now - 86400}&to=${now}&order=p99&limit=30`;
    const warm = await fetch(`${api}${top24h}`, { headers });
    if (!warm.ok) throw new Error(`${top24h}: HTTP ${warm.status} ${await warm.text()}`);
    const commands = ((await warm.json()) as { items: unknown[] }).items.length;

    say(`hello world baseline (${CONNECTIONS} connections, ${DURATION_S} s)…`);
    const helloLoad = await cannon({ url: `http://127.0.0.1:${HELLO_PORT}/` });
    say('cached inventory…');
    const instancesLoad = await cannon({ url: `${api}/v1/clusters/${CLUSTER}/instances?limit=20`, headers });
    const clustersLoad = await cannon({ url: `${api}/v1/clusters`, headers });
    say('24 h per-command percentiles, one question asked by 50 clients (result cache + single flight)…');
    const topSame = await cannon({ url: `${api}${top24h}`, headers });
    say('24 h per-command percentiles, every request a different 24 h window (no cache hits)…');
    let shift = 0;
    const topDistinct = await cannon({
      url: `${api}${top24h}`,
      headers,
      path: () => {
        shift = (shift + 1) % WINDOWS_24H;
        const to = now - shift * 60;
        return `/v1/clusters/${CLUSTER}/latency/commands?from=${to - 86400}&to=${to}&order=p99&limit=30`;
      },
    });
    say('7-day per-command percentiles, every request a different 7-day window…');
    let shift7 = 0;
    const top7dDistinct = await cannon({
      url: `${api}${top24h}`,
      headers,
      path: () => {
        shift7 = (shift7 + 1) % WINDOWS_7D;
        const to = now - shift7 * 60;
        return `/v1/clusters/${CLUSTER}/latency/commands?from=${to - 7 * 86400 + 3600}&to=${to}&order=p99&limit=30`;
      },
    });
    say('24 h series of one command (minute rollup), distinct windows…');
    let shift2 = 0;
    const seriesDistinct = await cannon({
      url: `${api}/`,
      headers,
      path: () => {
        shift2 = (shift2 + 1) % WINDOWS_24H;
        const to = now - shift2 * 60;
        return `/v1/clusters/${CLUSTER}/latency?command=get&from=${to - 86400}&to=${to}`;
      },
    });

    // The same 24 h question straight on ClickHouse: the Stage 4 way (t-digest of per-sample
    // means over raw command_stats) and from the per-call bucket rollups (one part).
    const rawSql =
      sql`SELECT command, sum(calls_delta) AS c, quantilesTDigest(0.5, 0.9, 0.99, 0.999)(usec_delta / calls_delta) AS q FROM ${identifier(`${DATABASE}.command_stats`)}
WHERE cluster = ${CLUSTER} AND ts >= toDateTime(${now - 86400}) AND ts < toDateTime(${now}) AND calls_delta > 0 GROUP BY command`
        .text;
    const rollupSql =
      sql`SELECT command, sum(calls) AS c, sumMap(latencyMap.le, latencyMap.n) AS h FROM ${identifier(`${DATABASE}.command_histograms_1m`)}
WHERE cluster = ${CLUSTER} AND instance = '' AND bucket >= toDateTime(${now - 86400}) AND bucket < toDateTime(${now}) GROUP BY command`
        .text;
    const rawMs = await timeQuery(ch, rawSql, 3);
    const minuteMs = await timeQuery(ch, rollupSql, 10);

    const ratio = +(instancesLoad.reqPerSec / helloLoad.reqPerSec).toFixed(2);
    const figures = {
      fleet: {
        cluster: CLUSTER,
        instances: INSTANCES,
        days: DAYS,
        commandsPerSample: COMMANDS.length,
        commandsIn24hAnswer: commands,
        ...data,
        note: `simulated: one sample per instance every ${COARSE_S} s for ${DAYS} days + every 1 s for the last ${FINE_S} s (7 days at 1 s would be 151 M samples)`,
      },
      connections: CONNECTIONS,
      durationS: DURATION_S,
      helloWorld: helloLoad,
      cachedInstances: instancesLoad,
      cachedClusters: clustersLoad,
      inventoryVsHello: ratio,
      clustersVsHello: +(clustersLoad.reqPerSec / helloLoad.reqPerSec).toFixed(2),
      top24hSameQuery: topSame,
      top24hDistinctWindows: topDistinct,
      top7dDistinctWindows: top7dDistinct,
      series24hDistinctWindows: seriesDistinct,
      clickhouse24hFromRawMs: rawMs,
      clickhouse24hFromMinuteRollupMs: minuteMs,
    };
    return {
      figures,
      table: [
        { measure: `hello world (req/s, ${CONNECTIONS} conn)`, value: helloLoad.reqPerSec, goal: '—' },
        {
          measure: 'cached GET /clusters/:c/instances?limit=20 (req/s)',
          value: instancesLoad.reqPerSec,
          goal: `≥ ${Math.round(helloLoad.reqPerSec / 2)}`,
        },
        { measure: 'instances / hello world', value: ratio, goal: '≥ 0.5' },
        { measure: 'cached GET /clusters (req/s)', value: clustersLoad.reqPerSec, goal: '—' },
        { measure: '24 h top commands, same question: p99 (ms)', value: topSame.p99Ms, goal: '< 100' },
        { measure: '24 h top commands, same question: req/s', value: topSame.reqPerSec, goal: '—' },
        { measure: '24 h top commands, distinct windows: p99 (ms)', value: topDistinct.p99Ms, goal: '< 100' },
        { measure: '24 h top commands, distinct windows: p50 (ms)', value: topDistinct.p50Ms, goal: '—' },
        { measure: '24 h top commands, distinct windows: req/s', value: topDistinct.reqPerSec, goal: '—' },
        { measure: '7-day top commands, distinct windows: p99 (ms)', value: top7dDistinct.p99Ms, goal: '< 300' },
        { measure: '7-day top commands, distinct windows: p50 (ms)', value: top7dDistinct.p50Ms, goal: '—' },
        { measure: '7-day top commands, distinct windows: req/s', value: top7dDistinct.reqPerSec, goal: '—' },
        { measure: '24 h series (minute rollup), distinct windows: p99 (ms)', value: seriesDistinct.p99Ms, goal: '—' },
        { measure: 'ClickHouse alone, 24 h t-digest of means from raw command_stats (ms)', value: rawMs, goal: '—' },
        { measure: 'ClickHouse alone, 24 h per-call buckets from the minute rollup (ms)', value: minuteMs, goal: '—' },
        {
          measure: 'errors + non-2xx (all runs)',
          value: [instancesLoad, clustersLoad, topSame, topDistinct, top7dDistinct, seriesDistinct].reduce(
            (s, l) => s + l.errors + l.non2xx,
            0,
          ),
          goal: '0',
        },
      ],
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await ch.close();
    // 2.5 GB of samples: kept (stack running) only when asked, so the next run skips the 13-minute load.
    if (process.env.BENCH_KEEP_STACK !== '1') await stackReset({ ports, dataDir: DATA_DIR, log: () => {} });
  }
}
