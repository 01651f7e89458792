// Collector cost: one collector watching 60 instances (INFO + topology every second, the
// other samplers on their default schedules, real Kafka delivery), measured as CPU share
// of one core and RSS of the collector process, beside a baseline process that only
// fetches INFO everything from the same instances every second. The collector runs four
// times, A B B A: with kafkajs (the default) and with its sink on @platformatic/kafka
// (bench/platformatic-producer.ts), the maintained client issue 11 asks to compare. Goal: < 10 % of a core,
// < 150 MB RSS. Reference: a Prometheus exporter spends about 5 ms of CPU per scrape of
// one cluster node, i.e. ~30 % of a core for 60 instances at one scrape per second.
//
// Both processes run the way production runs them: compiled JavaScript from dist/ (built
// here first, as `npm run build` does), or through tsx with BENCH_RUNTIME=tsx. BENCH_NODE_ARGS adds
// node flags to the collector only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { defaultConfig } from '../common/config.ts';
import { createKafka } from '../common/kafka.ts';
import { createLogger } from '../common/log.ts';
import { SAMPLE_TOPICS } from '../contracts/index.ts';
import { stackDown, stackUp } from '../stack/index.ts';
import type { BenchResult } from './run.ts';
import { BENCH_PORTS, BENCH_STACK_DIR } from './bench-stack.ts';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 60);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const RUNTIME = process.env.BENCH_RUNTIME === 'tsx' ? 'tsx' : 'dist';
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
/**
 * The collector runs as docs/operating.md says to run it: V8's young generation capped at 4 MB
 * semispaces. Its live heap is small, but by default V8 lets the young generation grow to
 * 16 MB semispaces, which shows up as ~40 MB more RSS and buys no measurable CPU.
 * BENCH_COLLECTOR_FLAGS='' measures without.
 */
const COLLECTOR_FLAGS = (process.env.BENCH_COLLECTOR_FLAGS ?? '--max-semi-space-size=4').split(' ').filter(Boolean);
const BASE_PORT = 7500;
type Client = 'kafkajs' | 'platformatic';
/** BENCH_CLIENTS=kafkajs measures kafkajs alone (twice). */
const CLIENT_ORDER: Client[] = ['kafkajs', 'platformatic', 'platformatic', 'kafkajs'];
const quietLog = createLogger('bench', 'warn');
const root = new URL('../.redscope/bench-collector/', import.meta.url).pathname;
const say = (s: string) => console.log(`[bench] ${s}`);

function usage(pid: number): { cpuSec: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  return { cpuSec: (Number(stat[11]) + Number(stat[12])) / 100, rssMb: rss };
}

/** CPU share of one core and max RSS of `proc` over `seconds`, after a warm-up; with `count`, how fast it grew. */
async function measure(
  proc: ChildProcess,
  seconds: number,
  count: () => Promise<number> = async () => 0,
): Promise<{ cpuShare: number; rssMaxMb: number; messagesPerSec: number }> {
  await sleep(10_000);
  const counted = await count();
  const start = usage(proc.pid!);
  const t0 = Date.now();
  let rssMax = start.rssMb;
  while (Date.now() - t0 < seconds * 1000) {
    await sleep(1000);
    rssMax = Math.max(rssMax, usage(proc.pid!).rssMb);
  }
  const end = usage(proc.pid!);
  const elapsed = (Date.now() - t0) / 1000;
  return {
    cpuShare: (end.cpuSec - start.cpuSec) / elapsed,
    rssMaxMb: rssMax,
    messagesPerSec: ((await count()) - counted) / elapsed,
  };
}

/** The node arguments that run `file` (a .ts path from the repo root) under RUNTIME. */
function entry(file: string): string[] {
  return RUNTIME === 'tsx' ? ['--import', 'tsx', file] : [`dist/${file.replace(/\.ts$/, '.js')}`];
}

/** Stops `proc` with SIGTERM and waits for it to exit (so a --cpu-prof profile is written). */
function stop(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

export default async function run(): Promise<BenchResult> {
  mkdirSync(root, { recursive: true });
  if (RUNTIME === 'dist') {
    // Type errors are `npm run typecheck`'s business; tsc emits the JavaScript regardless.
    say('compiling to dist/ (tsc -p tsconfig.build.json)…');
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    } catch {
      say('tsc reported type errors; measuring the JavaScript it emitted anyway');
    }
  }
  say(`starting ${INSTANCES} redis-server instances on ${BASE_PORT}…`);
  const addresses = Array.from({ length: INSTANCES }, (_, i) => `127.0.0.1:${BASE_PORT + i}`);
  for (const [i, a] of addresses.entries()) {
    const port = BASE_PORT + i;
    mkdirSync(`${root}/${port}`, { recursive: true });
    await new Promise<void>((resolve, reject) => {
      const p = spawn('redis-server', [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'yes',
        '--dir',
        `${root}/${port}`,
        '--logfile',
        `${root}/${port}/redis.log`,
        '--latency-monitor-threshold',
        '100',
      ]);
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-server ${a} exited ${code}`))));
    });
  }
  await sleep(500);
  // Some traffic on each so commandstats/latencystats look like a real instance's.
  for (const a of addresses) {
    const r = new Redis({ host: '127.0.0.1', port: Number(a.split(':')[1]) });
    const p = r.pipeline();
    for (let k = 0; k < 200; k++)
      p.set(`k:${k}`, 'v')
        .get(`k:${k}`)
        .hset(`h:${k % 10}`, 'f', 'v')
        .incr('c')
        .lpush('l', 'x')
        .sadd('s', String(k))
        .expire(`k:${k}`, 3600);
    await p.exec();
    r.disconnect();
  }
  say('starting the benchmark stack (Kafka)…');
  const { endpoints } = await stackUp({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  const configFile = `${root}/collector.yaml`;
  // BENCH_LINGER_MS / BENCH_LATENCY_PINGS try other settings than the defaults.
  const linger = process.env.BENCH_LINGER_MS ? `  sendLingerMs: ${Number(process.env.BENCH_LINGER_MS)}\n` : '';
  const pings = process.env.BENCH_LATENCY_PINGS
    ? `  latency: { pings: ${Number(process.env.BENCH_LATENCY_PINGS)} }\n`
    : '';
  writeFileSync(
    configFile,
    `kafka:\n  brokers: [${endpoints.kafkaBrokers.join(', ')}]\ncollector:\n  name: bench-collector\n${linger}${pings}  clusters: []\n  health: null\n  instances:\n${addresses.map((a) => `    - { address: ${a}, cluster: bench }`).join('\n')}\n`,
  );
  const env = { ...process.env, REDSCOPE_LOG_LEVEL: 'warn' };
  try {
    say(`baseline: INFO everything from ${INSTANCES} instances every second, nothing else (${SECONDS} s)…`);
    const baseline = spawn(process.execPath, [...entry('bench/info-loop.ts'), ...addresses], { env, stdio: 'ignore' });
    const base = await measure(baseline, SECONDS);
    await stop(baseline);
    // The same collector with two Kafka clients, in the order A B B A so drift in the
    // machine's load weighs on both alike; each run also counts the messages Kafka received.
    const kafka = createKafka({ ...defaultConfig().kafka, brokers: endpoints.kafkaBrokers }, quietLog);
    const admin = kafka.admin();
    await admin.connect();
    const delivered = async () => {
      let n = 0;
      for (const topic of SAMPLE_TOPICS)
        for (const p of await admin.fetchTopicOffsets(topic).catch(() => [])) n += Number(p.high);
      return n;
    };
    const runs: Record<Client, Array<{ cpuShare: number; rssMaxMb: number; messagesPerSec: number }>> = {
      kafkajs: [],
      platformatic: [],
    };
    for (const client of CLIENT_ORDER) {
      say(`collector (${client}): all samplers on their default schedules, delivering to Kafka (${SECONDS} s)…`);
      const main =
        client === 'kafkajs'
          ? [...entry('cli/redscope.ts'), '--config', configFile, 'collector']
          : [...entry('bench/collector-platformatic.ts'), '--config', configFile];
      const collector = spawn(process.execPath, [...COLLECTOR_FLAGS, ...NODE_ARGS, ...main], {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const m = await measure(collector, SECONDS, delivered);
      await stop(collector);
      say(
        `  ${(m.cpuShare * 100).toFixed(1)} % of a core, RSS max ${Math.round(m.rssMaxMb)} MB, ${Math.round(m.messagesPerSec)} messages/s to Kafka`,
      );
      runs[client].push(m);
    }
    await admin.disconnect();
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const summary = (client: Client) => ({
      cpuPercentOfCore: +(mean(runs[client].map((r) => r.cpuShare)) * 100).toFixed(1),
      cpuPercentRuns: runs[client].map((r) => +(r.cpuShare * 100).toFixed(1)),
      rssMaxMb: Math.round(Math.max(...runs[client].map((r) => r.rssMaxMb))),
      messagesPerSec: Math.round(mean(runs[client].map((r) => r.messagesPerSec))),
    });
    const a = summary('kafkajs');
    const b = summary('platformatic');
    const col = { cpuShare: a.cpuPercentOfCore / 100, rssMaxMb: a.rssMaxMb };
    const figures = {
      loadAverage: loadavg().map((x) => +x.toFixed(1)),
      clients: { kafkajs: a, platformatic: b },
      platformaticVsKafkajsCpu: +(b.cpuPercentOfCore / a.cpuPercentOfCore).toFixed(2),
      instances: INSTANCES,
      seconds: SECONDS,
      runtime: RUNTIME,
      collectorFlags: COLLECTOR_FLAGS.join(' '),
      collectorCpuPercentOfCore: +(col.cpuShare * 100).toFixed(1),
      collectorRssMaxMb: Math.round(col.rssMaxMb),
      baselineCpuPercentOfCore: +(base.cpuShare * 100).toFixed(1),
      baselineRssMaxMb: Math.round(base.rssMaxMb),
      collectorVsBaselineCpu: +(col.cpuShare / base.cpuShare).toFixed(2),
      cpuMsPerInstanceSecond: +((col.cpuShare * 1000) / INSTANCES).toFixed(2),
    };
    return {
      figures,
      table: [
        {
          measure: 'runtime (both processes)',
          value: RUNTIME === 'tsx' ? 'node --import tsx' : 'node dist/ (compiled)',
          goal: '—',
        },
        { measure: 'collector node flags', value: COLLECTOR_FLAGS.join(' ') || 'none', goal: '—' },
        {
          measure: `collector CPU (kafkajs, the default), ${INSTANCES} instances (% of one core)`,
          value: figures.collectorCpuPercentOfCore,
          goal: '< 10',
        },
        { measure: 'collector RSS max (MB)', value: figures.collectorRssMaxMb, goal: '< 150' },
        { measure: 'kafkajs: CPU per run (% of one core)', value: a.cpuPercentRuns.join(' / '), goal: '—' },
        { measure: 'kafkajs: messages/s to Kafka', value: a.messagesPerSec, goal: '—' },
        {
          measure: '@platformatic/kafka: collector CPU (% of one core)',
          value: b.cpuPercentOfCore,
          goal: '< 10',
        },
        { measure: '@platformatic/kafka: CPU per run', value: b.cpuPercentRuns.join(' / '), goal: '—' },
        { measure: '@platformatic/kafka: RSS max (MB)', value: b.rssMaxMb, goal: '< 150' },
        { measure: '@platformatic/kafka: messages/s to Kafka', value: b.messagesPerSec, goal: '—' },
        { measure: '@platformatic/kafka / kafkajs CPU', value: figures.platformaticVsKafkajsCpu, goal: '—' },
        { measure: 'load average (1, 5, 15 min) at the end', value: figures.loadAverage.join(', '), goal: '—' },
        { measure: 'baseline: bare INFO loop CPU (% of one core)', value: figures.baselineCpuPercentOfCore, goal: '—' },
        { measure: 'baseline RSS max (MB)', value: figures.baselineRssMaxMb, goal: '—' },
        { measure: 'collector / baseline CPU', value: figures.collectorVsBaselineCpu, goal: '—' },
        { measure: 'collector CPU per instance (ms per second)', value: figures.cpuMsPerInstanceSecond, goal: '—' },
        { measure: 'Prometheus exporter (reference, ms per scrape per node)', value: 5, goal: '—' },
      ],
    };
  } finally {
    for (const a of addresses)
      await new Promise((r) => spawn('redis-cli', ['-p', a.split(':')[1]!, 'shutdown', 'nosave']).on('exit', r));
    if (process.env.BENCH_KEEP_STACK !== '1')
      await stackDown({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  }
}
