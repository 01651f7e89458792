// Failover → chat latency: real failovers on a local cluster (a master frozen with
// SIGSTOP), measured from the moment the replica's promotion is visible in CLUSTER NODES
// (polled every 50 ms on a surviving node) to the moment the chat endpoint receives the
// firing message. Goal: p95 ≤ 2 s over at least 10 runs. For reference, a Prometheus
// stack at its usual settings (15 s scrape, `for: 1m`, 30 s group_wait) takes 1–2 min.
//
// Runs the whole pipeline (collector, stream processor, alert manager, delivery) against
// the benchmark's own stack on separate ports, and stops it at the end. Runs start at
// least alerts.groupIntervalMs after the previous message: a second failover in the same
// cluster sooner than that is batched into the group's next message, by design (as in
// Alertmanager), and would measure the group interval rather than the pipeline. And a
// run never repeats a failover (same old and new master) that fired within
// alerts.cooldownMs: the alert manager holds that as flapping, again by design.
import { startAlerts } from '../alerts/index.ts';
import { startCollector } from '../collectors/index.ts';
import { defaultConfig, type Config } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { stackDown, stackUp } from '../stack/index.ts';
import { startStream } from '../stream/index.ts';
import { startChatEndpoint } from '../test/support/chat-endpoint.ts';
import { clusterNodes, clusterWhole, pidOf } from '../test/support/freeze.ts';
import { startGroupsAtEnd } from '../test/support/kafka.ts';
import type { BenchResult } from './run.ts';
import { BENCH_PORTS, BENCH_STACK_DIR } from './bench-stack.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const log = createLogger('bench', process.env.BENCH_LOG_LEVEL ?? 'error');
const say = (s: string) => console.log(`[bench] ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined as T);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export default async function run(): Promise<BenchResult> {
  say('starting the benchmark stack…');
  const { endpoints } = await stackUp({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  const chat = await startChatEndpoint();
  const base = defaultConfig();
  const id = Date.now();
  const config: Config = {
    ...base,
    kafka: { ...base.kafka, brokers: endpoints.kafkaBrokers },
    clickhouse: { ...base.clickhouse, url: endpoints.clickhouseUrl, database: `bench_failover_${id}` },
    collector: { ...base.collector, clusters: [{ name: 'bench', seeds: endpoints.redisSeeds.slice(0, 1) }] },
    stream: { ...base.stream, groupId: `bench-stream-${id}` },
    alerts: {
      ...base.alerts,
      groupWaitMs: 0,
      managerGroupId: `bench-alerts-${id}`,
      deliveryGroupId: `bench-delivery-${id}`,
      routes: [{ match: { rule: 'failover' }, receiver: 'chat' }],
      receivers: [{ name: 'chat', type: 'webhook', url: chat.url }],
    },
  };
  await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]);
  await startGroupsAtEnd(config, [config.alerts.managerGroupId], [TOPICS.alerts]);
  await startGroupsAtEnd(config, [config.alerts.deliveryGroupId], [TOPICS.notifications]);
  const stream = await startStream(config, log);
  const alerts = await startAlerts(config, log);
  const collector = await startCollector(config, log);
  const latencies: number[] = [];
  const promotions: number[] = [];
  /** `oldId>newId` → when that failover last fired. */
  const lastPair = new Map<string, number>();
  try {
    for (let i = 0; i < RUNS; i++) {
      await waitFor(() => clusterWhole(endpoints.redisSeeds), Boolean, 60_000, 'a whole cluster');
      const lastMessageAt = chat.received.at(-1)?.at ?? 0;
      await sleep(Math.max(1500, lastMessageAt + config.alerts.groupIntervalMs + 500 - Date.now()));
      const nodes = await clusterNodes(endpoints.redisSeeds[0]!);
      const masters = nodes.filter((n) => n.role === 'master' && n.slots.length > 0);
      const pairs = masters
        .map((m) => ({ master: m, replica: nodes.find((n) => n.masterId === m.id)! }))
        .filter((p) => p.replica);
      const ageOf = (p: (typeof pairs)[number]) => Date.now() - (lastPair.get(`${p.master.id}>${p.replica.id}`) ?? 0);
      const { master, replica } = pairs.sort((a, b) => ageOf(b) - ageOf(a))[0]!; // the longest unused
      const wait = config.alerts.cooldownMs + 1000 - ageOf({ master, replica });
      if (wait > 0) {
        say(`waiting ${Math.round(wait / 1000)} s: every failover pair fired within the alert cooldown`);
        await sleep(wait);
      }
      lastPair.set(`${master.id}>${replica.id}`, Date.now());
      const watcher = nodes.find((n) => n.id !== master.id && n.id !== replica.id)!;
      const pid = await pidOf(`${master.host}:${master.port}`);
      const before = chat.received.length;
      const frozenAt = Date.now();
      process.kill(pid, 'SIGSTOP');
      let promotedAt = 0;
      try {
        await waitFor(
          () => clusterNodes(`${watcher.host}:${watcher.port}`),
          (ns) => ns.find((n) => n.id === replica.id)?.role === 'master',
          30_000,
          'the promotion',
        );
        promotedAt = Date.now();
        const msg = await waitFor(
          async () => chat.received.slice(before).find((m) => (m.body as { status?: string }).status === 'firing'),
          Boolean,
          30_000,
          'the chat message',
        );
        const at = msg!.at;
        latencies.push(at - promotedAt);
        promotions.push(promotedAt - frozenAt);
        // The alert carries the time of the topology sample that showed the promotion:
        // it splits "the collector saw it" from "the pipeline delivered it".
        const sampledAt =
          (msg!.body as { alerts?: Array<{ firingSinceMs?: number }> }).alerts?.[0]?.firingSinceMs ?? NaN;
        say(
          `run ${i + 1}/${RUNS}: promotion ${promotedAt - frozenAt} ms after SIGSTOP; chat ${at - promotedAt} ms after the promotion (sampled after ${sampledAt - promotedAt} ms, delivered ${at - sampledAt} ms after the sample)`,
        );
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await waitFor(
        async () => chat.received.slice(before).some((m) => (m.body as { status?: string }).status === 'resolved'),
        Boolean,
        60_000,
        'the resolved message',
      );
    }
  } finally {
    await collector.stop();
    await stream.stop();
    await alerts.stop();
    await chat.close();
    if (process.env.BENCH_KEEP_STACK !== '1')
      await stackDown({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const figures = {
    runs: latencies.length,
    latenciesMs: latencies,
    p50Ms: pct(50),
    p95Ms: pct(95),
    maxMs: sorted.at(-1),
    stopToPromotionMs: promotions,
  };
  return {
    figures,
    table: [
      { measure: 'runs', value: latencies.length, goal: '≥ 10' },
      { measure: 'promotion visible → chat, p50 (ms)', value: figures.p50Ms, goal: '—' },
      { measure: 'promotion visible → chat, p95 (ms)', value: figures.p95Ms, goal: '≤ 2000' },
      { measure: 'promotion visible → chat, max (ms)', value: figures.maxMs ?? NaN, goal: '—' },
      {
        measure: 'SIGSTOP → promotion, median (ms, the cluster itself)',
        value: [...promotions].sort((a, b) => a - b)[Math.floor(promotions.length / 2)] ?? NaN,
        goal: '—',
      },
      { measure: 'Prometheus at usual settings (reference)', value: '60000–120000', goal: '—' },
    ],
  };
}
