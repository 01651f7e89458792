// Fleet throughput of the stream processor with every sampler's messages for 2,000
// instances (8 clusters × 250 nodes, topology included: fleet-messages.ts), through the
// benchmark's own Kafka and ClickHouse (separate ports, data in .redscope/bench-stack):
//
//   0. raw: the rows of BENCH_BACKLOG_SECONDS of the fleet, built by the processor's own row
//      builders (stream/handlers.ts) beforehand, INSERTed straight into a second database with
//      the same schema and materialized views, in blocks of the processor's flushMessages
//      (2,000 messages) and two inserts at a time — the same rows without Kafka, decoding,
//      fencing or offsets. Goal (issue 11): one processor's drain ≥ 1.0× this.
//   A. drain: a backlog of BENCH_BACKLOG_SECONDS of the fleet, drained by one processor —
//      the baseline — and then (a new backlog, a new group) by two processors at once.
//      Goal: two drain ≥ 1.7× as fast as one.
//   B. sustained: the whole fleet every second for BENCH_SECONDS with one processor.
//      Goal: the newest data of every kind ≤ 5 s behind (p99).
//
// Processors run compiled (dist/, built here first) with the heap cap docs/operating.md
// recommends, as child processes; rates count messages, from each group's first commit
// to the last offset committed.
import { setTimeout as sleep } from 'node:timers/promises';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CompressionTypes, Partitioners, type Producer } from 'kafkajs';
import { createClickHouse } from '../common/clickhouse.ts';
import { defaultConfig, type Config } from '../common/config.ts';
import { createKafka, ensureTopics } from '../common/kafka.ts';
import { createLogger } from '../common/log.ts';
import { identifier } from '../common/sql.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { stackDown, stackUp } from '../stack/index.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { handlerFor } from '../stream/handlers.ts';
import type { TableRows } from '../stream/rows/source.ts';
import { startGroupsAt, topicEnds, type TopicOffsets } from '../test/support/kafka.ts';
import type { BenchResult } from './run.ts';
import { BENCH_PORTS, BENCH_STACK_DIR } from './bench-stack.ts';
import { Fleet, type FleetMessage } from './fleet-messages.ts';
import { captureInfo } from './fleet-samples.ts';

const BACKLOG_SECONDS = Number(process.env.BENCH_BACKLOG_SECONDS ?? 20);
const SUSTAIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 320);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6);
const ROOT = new URL('..', import.meta.url).pathname;
const log = createLogger('bench', 'warn');
const say = (s: string) => console.log(`[bench] ${s}`);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
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

async function send(producer: Producer, messages: FleetMessage[]): Promise<void> {
  const byTopic = new Map<string, Array<{ key: string; value: string }>>();
  for (const m of messages) {
    const list = byTopic.get(m.topic) ?? [];
    list.push({ key: m.key, value: m.value });
    byTopic.set(m.topic, list);
  }
  for (let i = 0; ; i++) {
    const topicMessages = [...byTopic].flatMap(([topic, list]) =>
      list.length > i * 1000 ? [{ topic, messages: list.slice(i * 1000, (i + 1) * 1000) }] : [],
    );
    if (topicMessages.length === 0) return;
    await producer.sendBatch({ compression: CompressionTypes.GZIP, topicMessages });
  }
}

export default async function run(): Promise<BenchResult> {
  say('compiling to dist/ (npm run build)…');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  say(
    `starting the benchmark's own stack (Kafka ${BENCH_PORTS.kafkaPort}, ClickHouse ${BENCH_PORTS.clickhouseHttpPort})…`,
  );
  const { endpoints } = await stackUp({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  const base = defaultConfig();
  const config: Config = {
    ...base,
    kafka: { ...base.kafka, brokers: endpoints.kafkaBrokers, topicPartitions: PARTITIONS },
    clickhouse: { ...base.clickhouse, url: endpoints.clickhouseUrl, database: `bench_${Date.now()}` },
  };
  const db = config.clickhouse.database;
  const ch = createClickHouse(config.clickhouse);
  const kafka = createKafka(config.kafka, log);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const running: ChildProcess[] = [];
  try {
    await migrate(ch, db);
    await ensureTopics(kafka, [...SAMPLE_TOPICS, TOPICS.topologyV1, TOPICS.deadLetter, TOPICS.alerts], PARTITIONS);
    await producer.connect();
    const fleet = new Fleet(await captureInfo(endpoints.redisSeeds));
    const oneSecond = fleet.second(1, Date.now());
    const perTopic: Record<string, { messages: number; kb: number }> = {};
    for (const m of oneSecond) {
      perTopic[m.topic] ??= { messages: 0, kb: 0 };
      const t = perTopic[m.topic]!;
      t.messages++;
      t.kb += m.value.length / 1024;
    }
    for (const t of Object.values(perTopic)) t.kb = Math.round(t.kb);
    say(`one second of the fleet (${fleet.size} instances): ${oneSecond.length} messages, ${JSON.stringify(perTopic)}`);

    const processor = (groupId: string) => {
      const proc = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, 'dist/cli/redscope.js', 'stream'], {
        cwd: ROOT,
        env: {
          ...process.env,
          REDSCOPE_KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
          REDSCOPE_CLICKHOUSE_URL: endpoints.clickhouseUrl,
          REDSCOPE_CLICKHOUSE_DATABASE: db,
          REDSCOPE_STREAM_GROUP_ID: groupId,
          REDSCOPE_LOG_LEVEL: 'warn',
          REDSCOPE_CONFIG: '',
          REDSCOPE_STREAM_HEALTH_PORT: '0', // several processors on one box
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      running.push(proc);
      return proc;
    };
    const stop = (procs: ChildProcess[]) =>
      Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p.exitCode !== null || p.signalCode !== null) return resolve();
              p.once('exit', () => resolve());
              p.kill('SIGTERM');
            }),
        ),
      );
    const admin = kafka.admin();
    await admin.connect();
    const committed = async (groupId: string) => {
      const offsets = await admin.fetchOffsets({ groupId, topics: [...SAMPLE_TOPICS] });
      return offsets.flatMap((t) => t.partitions.map((p) => Math.max(0, Number(p.offset)))).reduce((a, b) => a + b, 0);
    };
    const total = (o: TopicOffsets) => o.reduce((n, p) => n + Number(p.offset), 0);

    // A topic created a moment ago may not have its partition leaders elected yet: retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await topicEnds(config, SAMPLE_TOPICS);
        break;
      } catch (err) {
        if (attempt >= 20) throw err;
        await sleep(500);
      }
    }
    let tick = 1000;
    /** 0: the same rows, built first, then inserted straight into ClickHouse; messages per second. */
    const raw = async () => {
      const rawDb = `${db}_raw`;
      await migrate(ch, rawDb);
      const jobs: Array<{ table: string; rows: Record<string, unknown>[] }> = [];
      let messages = 0;
      for (let s = 0; s < BACKLOG_SECONDS; s++) {
        const second = fleet.second(tick++, Date.now());
        for (let i = 0; i < second.length; i += 2000) {
          const block: TableRows = new Map();
          for (const m of second.slice(i, i + 2000)) {
            const h = handlerFor(m.topic)!;
            const valid = h.validate(JSON.parse(m.value));
            if (!valid.ok) throw new Error(`fleet message does not match ${m.topic}: ${valid.reason}`);
            for (const [table, rows] of h.toRows(valid.value, { topic: m.topic, partition: 0, offset: messages++ })) {
              const list = block.get(table) ?? [];
              list.push(...rows);
              block.set(table, list);
            }
          }
          for (const [table, rows] of block) if (rows.length > 0) jobs.push({ table, rows });
        }
      }
      say(`raw: ${messages} messages' rows built (${jobs.length} inserts); inserting, two at a time…`);
      const t0 = performance.now();
      const inserter = async () => {
        for (let j = jobs.shift(); j; j = jobs.shift())
          await ch.insert({ table: identifier(`${rawDb}.${j.table}`).text, values: j.rows, format: 'JSONEachRow' });
      };
      await Promise.all([inserter(), inserter()]);
      const seconds = (performance.now() - t0) / 1000;
      say(`raw insert: ${Math.round(messages / seconds)} messages/s`);
      return { messages, rate: messages / seconds, seconds };
    };
    // The processor reads ahead of storage when an insert is pending > 5 s with its unstored
    // bound reached (stream/detect-ahead.ts) and seeks such a partition back only when its
    // next batch arrives: at a load average of 20 a finite backlog was read to its end ahead
    // of storage and then sat unstored, the drain never finishing. Live collectors keep
    // every partition fed; so does this: one message per partition of each topic, each on
    // the partition its key maps to, once a second while a backlog drains (~40 messages/s).
    const partitionOf = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    const nudges = new Map<string, { key: string; value: string; partition: number }>();
    for (let k = 0; k < 20 && nudges.size < Object.keys(perTopic).length * PARTITIONS; k++)
      for (const m of fleet.second(900_000 + k, Date.now())) {
        const partition = partitionOf({ topic: m.topic, partitionMetadata, message: { key: m.key, value: m.value } });
        if (!nudges.has(`${m.topic}/${partition}`))
          nudges.set(`${m.topic}/${partition}`, { key: m.key, value: m.value, partition });
      }
    let nudged = 0;
    const nudge = async () => {
      const byTopic = new Map<string, Array<{ key: string; value: string; partition: number }>>();
      for (const [tp, m] of nudges) {
        const topic = tp.slice(0, tp.lastIndexOf('/'));
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), m]);
      }
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      nudged += nudges.size;
    };
    /** A: a backlog drained by `n` processors; messages per second from the first commit to the last. */
    const drain = async (n: number) => {
      const groupId = `bench-drain${n}-${Date.now()}`;
      const start = await topicEnds(config, SAMPLE_TOPICS);
      await startGroupsAt(config, [groupId], start);
      const from = total(start);
      for (let s = 0; s < BACKLOG_SECONDS; s++) await send(producer, fleet.second(tick++, Date.now()));
      const end = total(await topicEnds(config, SAMPLE_TOPICS));
      const backlog = end - from;
      say(`${n} processor(s): backlog of ${backlog} messages (${BACKLOG_SECONDS} s of the fleet) produced; draining…`);
      const procs = Array.from({ length: n }, () => processor(groupId));
      let rssMax = 0;
      const cpuBefore = procs.map((p) => procStats(p.pid!).cpuSec);
      let firstAt = 0;
      let firstDone = from;
      let polls = 0;
      for (;;) {
        for (const p of procs) rssMax = Math.max(rssMax, procStats(p.pid!).rssMb);
        const done = await committed(groupId);
        if (done > from && !firstAt) {
          firstAt = performance.now();
          firstDone = done;
        }
        if (done >= end) break;
        if (++polls % 5 === 0) await nudge();
        await sleep(200);
      }
      const seconds = (performance.now() - firstAt) / 1000;
      const rate = (end - firstDone) / seconds;
      const cpu = procs.reduce((sum, p, i) => sum + procStats(p.pid!).cpuSec - cpuBefore[i]!, 0);
      await stop(procs);
      say(`${n} processor(s) drained ${backlog} messages at ${Math.round(rate)} messages/s`);
      return { backlog, rate, rssMax, cpuCoreSeconds: cpu, seconds };
    };

    const rawInsert = await raw();
    const one = await drain(1);
    const two = await drain(2);

    // B: sustained, one processor, the whole fleet every second.
    const groupId = `bench-sustained-${Date.now()}`;
    await startGroupsAt(config, [groupId], await topicEnds(config, SAMPLE_TOPICS));
    const proc = processor(groupId);
    await sleep(5000); // start-up and first join
    const cpuBefore = procStats(proc.pid!).cpuSec;
    let rssMax = 0;
    const lags: number[] = [];
    let sampling = true;
    // least() takes two arguments on ClickHouse 18.16 (three failed every poll: no lag figure).
    const newestSql = `SELECT least(least(
      (SELECT max(ts_ms) FROM ${identifier(`${db}.info_samples`).text}),
      (SELECT max(ts_ms) FROM ${identifier(`${db}.topology_samples`).text})),
      (SELECT max(ts_ms) FROM ${identifier(`${db}.latency_probes`).text})) AS newest`;
    let pollError = '';
    const poller = (async () => {
      while (sampling) {
        rssMax = Math.max(rssMax, procStats(proc.pid!).rssMb);
        const rs = await ch.query({ query: newestSql, format: 'JSONEachRow' }).catch((err: Error) => {
          pollError = err.message;
          return null;
        });
        const newest = rs ? Number((await rs.json<{ newest: string }>())[0]?.newest ?? 0) : 0;
        if (newest > 0) lags.push(Date.now() - newest);
        await sleep(250);
      }
    })();
    const started = performance.now();
    let late = 0;
    for (let s = 0; s < SUSTAIN_SECONDS; s++) {
      const t0 = performance.now();
      await send(producer, fleet.second(tick++, Date.now()));
      const spent = performance.now() - t0;
      if (spent < 1000) await sleep(1000 - spent);
      else late++;
    }
    const producedSeconds = (performance.now() - started) / 1000;
    await sleep(5000); // the tail
    sampling = false;
    await poller;
    const cpu = (procStats(proc.pid!).cpuSec - cpuBefore) / ((performance.now() - started) / 1000);
    await stop([proc]);
    await admin.disconnect();
    if (lags.length === 0) say(`no lag measured: ${pollError || 'no data stored during the sustained phase'}`);
    const sorted = lags.slice(Math.floor(lags.length * 0.1)).sort((a, b) => a - b); // skip warm-up
    const stored = async (table: string) =>
      Number(
        (
          await (
            await ch.query({
              query: `SELECT count() AS n FROM ${identifier(`${db}.${table}`).text}`,
              format: 'JSONEachRow',
            })
          ).json<{ n: string }>()
        )[0]!.n,
      );

    const figures = {
      fleet: fleet.size,
      messagesPerFleetSecond: oneSecond.length,
      perTopic,
      partitions: PARTITIONS,
      backlogSeconds: BACKLOG_SECONDS,
      rawInsertMessagesPerSec: Math.round(rawInsert.rate),
      rawInsertMessages: rawInsert.messages,
      drainOneMessagesPerSec: Math.round(one.rate),
      drainOneVsRaw: +(one.rate / rawInsert.rate).toFixed(2),
      drainTwoMessagesPerSec: Math.round(two.rate),
      drainNudgeMessages: nudged,
      drainTwoVsOne: +(two.rate / one.rate).toFixed(2),
      drainOneFleetSecondsPerSecond: +(one.rate / oneSecond.length).toFixed(2),
      drainOneRssMaxMb: Math.round(one.rssMax),
      drainTwoRssMaxMb: Math.round(two.rssMax),
      drainOneCpuCores: +(one.cpuCoreSeconds / one.seconds).toFixed(2),
      drainTwoCpuCores: +(two.cpuCoreSeconds / two.seconds).toFixed(2),
      sustainSeconds: SUSTAIN_SECONDS,
      producerLateSeconds: late,
      producedFleetSecondsPerSecond: +(SUSTAIN_SECONDS / producedSeconds).toFixed(2),
      lagP50Ms: percentile(sorted, 50),
      lagP99Ms: percentile(sorted, 99),
      sustainedRssMaxMb: Math.round(rssMax),
      sustainedCpuCores: +cpu.toFixed(2),
      heapCapMb: HEAP_MB,
      rows: {
        info_samples: await stored('info_samples'),
        topology_samples: await stored('topology_samples'),
        topology_nodes: await stored('topology_nodes'),
        latency_probes: await stored('latency_probes'),
      },
    };
    return {
      figures,
      table: [
        { measure: 'messages per second of the fleet (all samplers)', value: oneSecond.length, goal: '—' },
        {
          measure: 'raw INSERT of the same rows, 2 at a time (messages/s)',
          value: figures.rawInsertMessagesPerSec,
          goal: '—',
        },
        { measure: 'drain, 1 processor (messages/s) — baseline', value: figures.drainOneMessagesPerSec, goal: '—' },
        { measure: 'drain, 1 processor / raw INSERT', value: figures.drainOneVsRaw, goal: '≥ 1.0' },
        {
          measure: 'drain, 1 processor (fleet-seconds per second)',
          value: figures.drainOneFleetSecondsPerSecond,
          goal: '≥ 1',
        },
        { measure: 'drain, 2 processors (messages/s)', value: figures.drainTwoMessagesPerSec, goal: '—' },
        { measure: 'drain, 2 processors / 1 processor', value: figures.drainTwoVsOne, goal: '≥ 1.7' },
        {
          measure: 'processor CPU while draining, 1 / 2 processors (cores)',
          value: `${figures.drainOneCpuCores} / ${figures.drainTwoCpuCores}`,
          goal: '—',
        },
        {
          measure: `sustained: fleet produced (fleet-seconds per second)`,
          value: figures.producedFleetSecondsPerSecond,
          goal: '1',
        },
        { measure: 'sustained: newest data behind, p50 (ms)', value: figures.lagP50Ms, goal: '—' },
        { measure: 'sustained: newest data behind, p99 (ms)', value: figures.lagP99Ms, goal: '≤ 5000' },
        { measure: 'sustained: processor RSS max (MB)', value: figures.sustainedRssMaxMb, goal: '< 512' },
        { measure: 'sustained: processor CPU (cores)', value: figures.sustainedCpuCores, goal: '—' },
      ],
    };
  } finally {
    for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await producer.disconnect().catch(() => {});
    await ch.close();
    if (process.env.BENCH_KEEP_STACK !== '1')
      await stackDown({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  }
}
