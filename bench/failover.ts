// Failover → chat latency, the way failovers really come: back to back, failbacks
// included, each old master resumed as soon as its replica's promotion is visible (so
// most failovers are over — resolved — before their message could be grouped), at the
// default alert group settings (group wait 200 ms, group interval 30 s, cooldown 5 min).
// Measured from the moment the promotion is visible in CLUSTER NODES on a surviving node
// (polled every 50 ms) to the moment the local chat endpoint receives the firing message
// naming that failover. A failover with no message within 30 s counts as missing.
//
// Two phases in one run: ClickHouse up (goal: p95 ≤ 2 s over ≥ 10 failovers, none
// missing), then ClickHouse frozen with SIGSTOP for the whole phase — a stalled server,
// harsher than a stopped one, whose connections are refused at once (goal: p95 ≤ 5 s,
// none missing). For reference, a Prometheus stack at its usual settings (15 s scrape,
// `for: 1m`, 30 s group_wait) takes 1–2 min.
//
// The whole pipeline (collector, stream processor, alert manager, delivery) runs against
// the benchmark's own stack on separate ports, stopped at the end.
import { setTimeout as sleep } from 'node:timers/promises';
import { startAlerts } from '../alerts/index.ts';
import { startCollector } from '../collectors/index.ts';
import { defaultConfig, type Config } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { clickhousePid } from '../stack/clickhouse.ts';
import { stackDown, stackUp } from '../stack/index.ts';
import { startStream } from '../stream/index.ts';
import { startChatEndpoint, type ChatEndpoint } from '../test/support/chat-endpoint.ts';
import { failOverByFreezing, shards, waitHealthy, type FailoverRun } from '../test/support/failovers.ts';
import { startGroupsAtEnd } from '../test/support/kafka.ts';
import { dropDatabase } from '../test/support/pipeline.ts';
import { BENCH_PORTS, BENCH_STACK_DIR } from './bench-stack.ts';
import type { BenchResult } from './run.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 12);
const MESSAGE_TIMEOUT_MS = 30_000;
/** How long the frozen phase waits for the processor to read ahead of storage before its failovers. */
const FROZEN_WARMUP_MAX_MS = Number(process.env.BENCH_FROZEN_WARMUP_MS ?? 300_000);
const log = createLogger('bench', process.env.BENCH_LOG_LEVEL ?? 'error');
const say = (s: string) => console.log(`[bench] ${s}`);

interface WebhookAlert {
  fingerprint: string;
  notice: string;
  labels: Record<string, string>;
}

interface Measured {
  run: FailoverRun;
  /** promotion visible → chat, ms; null = missing. */
  latencyMs: number | null;
}

/** The first firing notice for this failover not attributed to an earlier one, and when it arrived. */
function messageFor(
  chat: ChatEndpoint,
  r: FailoverRun,
  taken: Set<string>,
): { at: number; fingerprint: string } | null {
  for (const m of chat.received) {
    if (m.at < r.stoppedAt) continue;
    for (const a of ((m.body as { alerts?: WebhookAlert[] }).alerts ?? []) as WebhookAlert[])
      if (
        a.notice === 'firing' &&
        !taken.has(a.fingerprint) &&
        a.labels.old_master === r.oldAddr &&
        a.labels.new_master === r.newAddr
      )
        return { at: m.at, fingerprint: a.fingerprint };
  }
  return null;
}

async function phase(
  name: string,
  seeds: readonly string[],
  chat: ChatEndpoint,
  taken: Set<string>,
): Promise<{ measured: Measured[]; spanMs: number }> {
  const measured: Measured[] = [];
  const pending: Array<Promise<void>> = [];
  const started = Date.now();
  await waitHealthy(seeds, 120_000);
  for (let i = 0; i < RUNS; i++) {
    // Back to back: the next shard's master is frozen as soon as the previous promotion is
    // visible; a shard comes round again (a failback) once its old master is a linked replica.
    const all = await shards(seeds);
    const shard = all[i % all.length]!;
    if (i >= all.length) await waitHealthy(seeds, 120_000);
    const r = await failOverByFreezing(
      seeds,
      (await shards(seeds)).find((s) => s.master.id === shard.master.id) ?? shard,
    );
    const m: Measured = { run: r, latencyMs: null };
    measured.push(m);
    pending.push(
      (async () => {
        const deadline = r.promotedAt + MESSAGE_TIMEOUT_MS;
        while (Date.now() < deadline) {
          const found = messageFor(chat, r, taken);
          if (found) {
            taken.add(found.fingerprint);
            m.latencyMs = found.at - r.promotedAt;
            say(
              `${name} ${measured.indexOf(m) + 1}/${RUNS}: ${r.oldAddr} → ${r.newAddr}: promotion ${r.promotedAt - r.stoppedAt} ms after SIGSTOP; chat ${m.latencyMs} ms after the promotion`,
            );
            return;
          }
          await sleep(20);
        }
        say(`${name} ${measured.indexOf(m) + 1}/${RUNS}: ${r.oldAddr} → ${r.newAddr}: MISSING (no message in 30 s)`);
      })(),
    );
  }
  await Promise.all(pending);
  return { measured, spanMs: Date.now() - started };
}

function summary(measured: Measured[]) {
  const got = measured.flatMap((m) => (m.latencyMs === null ? [] : [m.latencyMs])).sort((a, b) => a - b);
  const pct = (p: number) => (got.length ? got[Math.min(got.length - 1, Math.ceil((p / 100) * got.length) - 1)]! : NaN);
  const promotions = measured.map((m) => m.run.promotedAt - m.run.stoppedAt).sort((a, b) => a - b);
  return {
    failovers: measured.length,
    missing: measured.length - got.length,
    p50Ms: pct(50),
    p95Ms: pct(95),
    maxMs: got.at(-1) ?? NaN,
    latenciesMs: measured.map((m) => m.latencyMs),
    stopToPromotionMedianMs: promotions[Math.floor(promotions.length / 2)] ?? NaN,
    pairs: measured.map((m) => `${m.run.oldAddr}>${m.run.newAddr}`),
  };
}

export default async function run(): Promise<BenchResult> {
  say('starting the benchmark stack…');
  const { endpoints } = await stackUp({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  const chat = await startChatEndpoint();
  let config: Config | undefined;
  const running: Array<{ stop(): Promise<void> }> = [];
  let up: Awaited<ReturnType<typeof phase>>;
  let frozen: Awaited<ReturnType<typeof phase>>;
  let readAhead = 0;
  let warmupMs = 0;
  const taken = new Set<string>();
  try {
    const chPid = clickhousePid(BENCH_STACK_DIR);
    if (!chPid)
      throw new Error(`no clickhouse-server pid under ${BENCH_STACK_DIR}: the benchmark freezes its own ClickHouse`);
    const base = defaultConfig();
    const id = Date.now();
    config = {
      ...base,
      kafka: { ...base.kafka, brokers: endpoints.kafkaBrokers },
      clickhouse: { ...base.clickhouse, url: endpoints.clickhouseUrl, database: `bench_failover_${id}` },
      // Health endpoints on any free port: a benchmark may run beside another process on the defaults.
      collector: {
        ...base.collector,
        clusters: [{ name: 'bench', seeds: endpoints.redisSeeds.slice(0, 1) }],
        health: { host: '127.0.0.1', port: 0 },
      },
      stream: { ...base.stream, groupId: `bench-stream-${id}`, health: { host: '127.0.0.1', port: 0 } },
      alerts: {
        ...base.alerts, // default group wait, group interval and cooldown
        health: { host: '127.0.0.1', port: 0 },
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
    running.push(stream);
    running.unshift(await startAlerts(config, log));
    running.unshift(await startCollector(config, log));
    await sleep(3000); // the collector's first views of the cluster
    say(`phase 1: ${RUNS} back-to-back failovers, ClickHouse up`);
    up = await phase('up', endpoints.redisSeeds, chat, taken);
    await waitHealthy(endpoints.redisSeeds, 120_000);
    say(`phase 2: ${RUNS} back-to-back failovers, ClickHouse frozen (SIGSTOP)`);
    const readAheadBefore = stream.processor.stats.readAhead;
    process.kill(chPid, 'SIGSTOP');
    try {
      // A long outage: wait until the processor's unstored rows reach their bound and it
      // reads ahead of the stalled storage (at the default 2 × 2,000 messages, minutes on
      // this 6-node cluster), so the failovers go through that path.
      const frozenAt = Date.now();
      while (stream.processor.stats.readAhead === readAheadBefore && Date.now() - frozenAt < FROZEN_WARMUP_MAX_MS)
        await sleep(1000);
      warmupMs = Date.now() - frozenAt;
      say(`reading ahead of storage after ${Math.round(warmupMs / 1000)} s`);
      frozen = await phase('frozen', endpoints.redisSeeds, chat, taken);
      readAhead = stream.processor.stats.readAhead - readAheadBefore;
    } finally {
      process.kill(chPid, 'SIGCONT');
    }
    await sleep(5000); // duplicates, if any, would arrive now
  } finally {
    for (const r of running) await r.stop().catch(() => {});
    await chat.close();
    // The run's database is of no use afterwards, and a server holding old ones takes longer
    // than stackUp waits to start on this machine (seen: > 60 s with one earlier run's tables).
    if (config) await dropDatabase(config).catch(() => {});
    if (process.env.BENCH_KEEP_STACK !== '1')
      await stackDown({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  }
  const a = summary(up.measured);
  const b = summary(frozen.measured);
  const firingNotices = chat.received.flatMap((m) =>
    (((m.body as { alerts?: WebhookAlert[] }).alerts ?? []) as WebhookAlert[]).filter((x) => x.notice === 'firing'),
  );
  const duplicates = firingNotices.length - new Set(firingNotices.map((x) => x.fingerprint)).size;
  const figures = {
    runsPerPhase: RUNS,
    clickhouseUp: { ...a, spanMs: up.spanMs },
    clickhouseFrozen: { ...b, spanMs: frozen.spanMs, frozenBeforeFailoversMs: warmupMs, batchesReadAhead: readAhead },
    duplicateFiringNotices: duplicates,
  };
  return {
    figures,
    table: [
      { measure: 'failovers (ClickHouse up / frozen)', up: a.failovers, frozen: b.failovers, goal: '≥ 10 each' },
      {
        measure: 'phase length (s)',
        up: Math.round(up.spanMs / 1000),
        frozen: Math.round(frozen.spanMs / 1000),
        goal: '—',
      },
      {
        measure: 'ClickHouse frozen before the failovers (s; until the processor reads ahead)',
        up: '',
        frozen: Math.round(warmupMs / 1000),
        goal: '—',
      },
      { measure: 'batches read ahead of storage', up: '', frozen: readAhead, goal: '—' },
      { measure: 'missing (no message in 30 s)', up: a.missing, frozen: b.missing, goal: '0' },
      { measure: 'promotion visible → chat, p50 (ms)', up: a.p50Ms, frozen: b.p50Ms, goal: '—' },
      { measure: 'promotion visible → chat, p95 (ms)', up: a.p95Ms, frozen: b.p95Ms, goal: '≤ 2000 / ≤ 5000' },
      { measure: 'promotion visible → chat, max (ms)', up: a.maxMs, frozen: b.maxMs, goal: '—' },
      {
        measure: 'SIGSTOP → promotion, median (ms, the cluster itself)',
        up: a.stopToPromotionMedianMs,
        frozen: b.stopToPromotionMedianMs,
        goal: '—',
      },
      { measure: 'firing notices sent twice', up: duplicates, frozen: '', goal: '0' },
      { measure: 'Prometheus at usual settings (reference)', up: '60000–120000', frozen: '', goal: '—' },
    ],
  };
}
