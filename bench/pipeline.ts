// Fleet throughput: can one box carry a 2,000-instance fleet at a 1 s interval through
// Kafka → stream processor → ClickHouse, with the newest data ≤ 5 s behind (p99) and the
// processor under 512 MB RSS? Compared, in the same run, with a raw insert of the same
// rows straight into ClickHouse (the goal: the pipeline reaches at least half of it).
//
// Runs its own stack on separate ports (data in .redscope/bench-stack) so the benchmark
// neither floods a developer's topics nor is disturbed by them; stops it afterwards.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CompressionTypes, Partitioners } from 'kafkajs';
import { createClickHouse } from '../common/clickhouse.ts';
import { defaultConfig, type Config } from '../common/config.ts';
import { createKafka, ensureTopics } from '../common/kafka.ts';
import { createLogger } from '../common/log.ts';
import { identifier } from '../common/sql.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { stackDown, stackUp } from '../stack/index.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { infoRows } from '../stream/rows/info-rows.ts';
import type { BenchResult } from './run.ts';
import { BENCH_PORTS, BENCH_STACK_DIR } from './bench-stack.ts';
import { captureInfo, fleetSample } from './fleet-samples.ts';

const FLEET = Number(process.env.BENCH_FLEET ?? 2000);
const SUSTAIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const DRAIN_SECONDS_OF_FLEET = 15;
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 320);
const log = createLogger('bench', 'warn');
const say = (s: string) => console.log(`[bench] ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function procStats(pid: number): { rssMb: number; cpuSec: number } {
  try {
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { rssMb: rss, cpuSec: (Number(stat[11]) + Number(stat[12])) / 100 };
  } catch {
    return { rssMb: 0, cpuSec: 0 };
  }
}

export default async function run(): Promise<BenchResult> {
  say(
    `starting the benchmark's own stack (ports ${BENCH_PORTS.redisBasePort}, ${BENCH_PORTS.kafkaPort}, ${BENCH_PORTS.clickhouseHttpPort})…`,
  );
  const { endpoints } = await stackUp({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  const base = defaultConfig();
  const config: Config = {
    ...base,
    kafka: { ...base.kafka, brokers: endpoints.kafkaBrokers },
    clickhouse: { ...base.clickhouse, url: endpoints.clickhouseUrl, database: `bench_${Date.now()}` },
  };
  const ch = createClickHouse(config.clickhouse);
  try {
    await migrate(ch, config.clickhouse.database);
    const templates = await captureInfo(endpoints.redisSeeds);
    const fieldsPerSample =
      templates[0]!.commands.length * 8 +
      Object.keys(templates[0]!.fields).length +
      Object.keys(templates[0]!.text).length;
    const msgBytes = JSON.stringify(fleetSample(templates, 0, 0, Date.now())).length;
    say(
      `captured INFO from ${templates.length} nodes: ~${fieldsPerSample} values per sample, ${msgBytes} bytes of JSON`,
    );

    // A. Raw insert of the same rows, straight into ClickHouse.
    const rawRows = Array.from(
      { length: FLEET * 5 },
      (_, i) =>
        infoRows(fleetSample(templates, i % FLEET, Math.floor(i / FLEET), Date.now()), {
          topic: 'raw',
          partition: 0,
          offset: i,
        }).get('info_samples')![0]!,
    );
    const rawDb = `${config.clickhouse.database}_raw`;
    await migrate(ch, rawDb);
    // Two inserters at once, so the baseline uses both cores as the pipeline can.
    const t0 = performance.now();
    const chunks = Array.from({ length: Math.ceil(rawRows.length / 2000) }, (_, k) =>
      rawRows.slice(k * 2000, (k + 1) * 2000),
    );
    const inserter = async () => {
      for (let c = chunks.shift(); c; c = chunks.shift())
        await ch.insert({ table: identifier(`${rawDb}.info_samples`).text, values: c, format: 'JSONEachRow' });
    };
    await Promise.all([inserter(), inserter()]);
    const rawRate = rawRows.length / ((performance.now() - t0) / 1000);
    say(`raw insert: ${Math.round(rawRate)} samples/s`);

    // B. Drain capacity: a backlog produced first, then the processor drains it.
    const kafka = createKafka(config.kafka, log);
    await ensureTopics(kafka, [...SAMPLE_TOPICS, TOPICS.deadLetter, TOPICS.alerts], config.kafka.topicPartitions);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // The processor's group starts at the topic's current end, so messages left by earlier
    // runs are not part of this measurement.
    const groupId = `bench-${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    // A topic created a moment ago may not have its partition leaders elected yet: retry.
    let ends: Awaited<ReturnType<typeof admin.fetchTopicOffsets>> = [];
    for (let attempt = 1; ; attempt++) {
      try {
        ends = await admin.fetchTopicOffsets(TOPICS.info);
        break;
      } catch (err) {
        if (attempt >= 20) throw err;
        await sleep(500);
      }
    }
    await admin.setOffsets({
      groupId,
      topic: TOPICS.info,
      partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
    });
    await admin.disconnect();
    const backlog = FLEET * DRAIN_SECONDS_OF_FLEET;
    for (let tick = 0; tick < DRAIN_SECONDS_OF_FLEET; tick++) {
      const ts = Date.now();
      const messages = Array.from({ length: FLEET }, (_, i) => {
        const m = fleetSample(templates, i, tick, ts);
        return { key: m.instance.id, value: JSON.stringify(m) };
      });
      for (let i = 0; i < messages.length; i += 1000)
        await producer.send({
          topic: TOPICS.info,
          compression: CompressionTypes.GZIP,
          messages: messages.slice(i, i + 1000),
        });
    }
    say(`backlog of ${backlog} samples produced; starting the processor`);

    const count = async () =>
      Number(
        (
          await (
            await ch.query({
              query: `SELECT count() AS n, max(ts_ms) AS newest FROM ${identifier(`${config.clickhouse.database}.info_samples`).text}`,
              format: 'JSONEachRow',
            })
          ).json<{ n: string }>()
        )[0]!.n,
      );
    const newest = async () =>
      Number(
        (
          await (
            await ch.query({
              query: `SELECT max(ts_ms) AS newest FROM ${identifier(`${config.clickhouse.database}.info_samples`).text}`,
              format: 'JSONEachRow',
            })
          ).json<{ newest: string }>()
        )[0]!.newest,
      );
    // The heap cap is the production setting the README recommends: without it V8 grows
    // the heap lazily towards gigabytes before collecting.
    const proc = spawn(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', 'cli/redscope.ts', 'stream'],
      {
        cwd: new URL('..', import.meta.url).pathname,
        env: {
          ...process.env,
          REDSCOPE_KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
          REDSCOPE_CLICKHOUSE_URL: endpoints.clickhouseUrl,
          REDSCOPE_CLICKHOUSE_DATABASE: config.clickhouse.database,
          REDSCOPE_STREAM_GROUP_ID: groupId,
          REDSCOPE_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    let rssMax = 0;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, procStats(proc.pid!).rssMb)), 250);
    let firstAt = 0;
    for (;;) {
      const n = await count();
      if (n > 0 && !firstAt) firstAt = performance.now();
      if (n >= backlog) break;
      await sleep(100);
    }
    const drainRate = backlog / ((performance.now() - firstAt) / 1000);
    const drainRssMax = rssMax;
    rssMax = 0;
    say(`processor drained the backlog at ${Math.round(drainRate)} samples/s`);

    // C. Sustained: the whole fleet every second, stamped with the send time.
    const lags: number[] = [];
    const before = await count();
    const cpuBefore = procStats(proc.pid!).cpuSec;
    const started = performance.now();
    let stop = false;
    const poller = (async () => {
      while (!stop) {
        const n = await newest().catch(() => 0);
        if (n > 0) lags.push(Date.now() - n);
        await sleep(250);
      }
    })();
    for (let tick = 0; tick < SUSTAIN_SECONDS; tick++) {
      const tickStart = performance.now();
      const ts = Date.now();
      const messages = Array.from({ length: FLEET }, (_, i) => {
        const m = fleetSample(templates, i, 100 + tick, ts);
        return { key: m.instance.id, value: JSON.stringify(m) };
      });
      for (let i = 0; i < messages.length; i += 1000)
        await producer.send({
          topic: TOPICS.info,
          compression: CompressionTypes.GZIP,
          messages: messages.slice(i, i + 1000),
        });
      const spent = performance.now() - tickStart;
      if (spent < 1000) await sleep(1000 - spent);
    }
    const produced = FLEET * SUSTAIN_SECONDS;
    while ((await count()) < before + produced && performance.now() - started < (SUSTAIN_SECONDS + 60) * 1000)
      await sleep(200);
    const elapsed = (performance.now() - started) / 1000;
    const stored = (await count()) - before;
    stop = true;
    await poller;
    const cpu = (procStats(proc.pid!).cpuSec - cpuBefore) / elapsed;
    clearInterval(rssTimer);
    proc.kill('SIGTERM');
    await producer.disconnect();
    const sortedLags = lags.slice(Math.floor(lags.length * 0.1)).sort((a, b) => a - b); // skip warm-up
    const sustained = stored / SUSTAIN_SECONDS;
    const figures = {
      fleet: FLEET,
      sustainSeconds: SUSTAIN_SECONDS,
      valuesPerSample: fieldsPerSample,
      jsonBytesPerSample: msgBytes,
      rawInsertSamplesPerSec: Math.round(rawRate),
      drainSamplesPerSec: Math.round(drainRate),
      drainVsRaw: +(drainRate / rawRate).toFixed(2),
      sustainedSamplesPerSec: Math.round(sustained),
      lagP50Ms: percentile(sortedLags, 50),
      lagP99Ms: percentile(sortedLags, 99),
      processorRssMaxMb: Math.round(rssMax),
      drainRssMaxMb: Math.round(drainRssMax),
      heapCapMb: HEAP_MB,
      processorCpuCores: +cpu.toFixed(2),
    };
    return {
      figures,
      table: [
        { measure: 'raw INSERT of the same rows (samples/s)', value: figures.rawInsertSamplesPerSec, goal: '—' },
        {
          measure: 'pipeline drain capacity (samples/s)',
          value: figures.drainSamplesPerSec,
          goal: `≥ ${Math.round(rawRate / 2)} (half of raw)`,
        },
        { measure: 'pipeline / raw', value: figures.drainVsRaw, goal: '≥ 0.5' },
        {
          measure: `sustained, fleet of ${FLEET} at 1 s (samples/s)`,
          value: figures.sustainedSamplesPerSec,
          goal: `${FLEET}`,
        },
        { measure: 'newest data behind, p50 (ms)', value: figures.lagP50Ms, goal: '—' },
        { measure: 'newest data behind, p99 (ms)', value: figures.lagP99Ms, goal: '≤ 5000' },
        { measure: 'processor RSS max, sustained (MB)', value: figures.processorRssMaxMb, goal: '< 512' },
        { measure: 'processor RSS max, draining a backlog (MB)', value: figures.drainRssMaxMb, goal: '—' },
        { measure: 'processor CPU (cores)', value: figures.processorCpuCores, goal: '—' },
      ],
    };
  } finally {
    await ch.close();
    if (process.env.BENCH_KEEP_STACK !== '1')
      await stackDown({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  }
}
