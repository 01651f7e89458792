// Quiet when all is well: the whole pipeline as `npm start` runs it (collector, stream
// processor, alert manager, API, the workload generator) on a healthy local cluster for
// BENCH_QUIET_MINUTES (default 30), every alert routed to a local chat endpoint. Goal:
// nothing reaches chat after the startup config-audit digest. Prints every message that
// arrived, and writes them to bench/results/quiet.json.
import { setTimeout as sleep } from 'node:timers/promises';
import { startAlerts } from '../alerts/index.ts';
import { startApi } from '../api/server.ts';
import { startWorkload } from '../cli/workload.ts';
import { startCollector } from '../collectors/index.ts';
import { defaultConfig, type Config } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { stackDown, stackUp } from '../stack/index.ts';
import { startStream } from '../stream/index.ts';
import { startChatEndpoint } from '../test/support/chat-endpoint.ts';
import { waitHealthy } from '../test/support/failovers.ts';
import { startGroupsAtEnd } from '../test/support/kafka.ts';
import { dropDatabase } from '../test/support/pipeline.ts';
import { BENCH_PORTS, BENCH_STACK_DIR } from './bench-stack.ts';
import type { BenchResult } from './run.ts';

const MINUTES = Number(process.env.BENCH_QUIET_MINUTES ?? 30);
const log = createLogger('bench', process.env.BENCH_LOG_LEVEL ?? 'error');
const say = (s: string) => console.log(`[bench] ${s}`);

interface Body {
  status?: string;
  rule?: string;
  title?: string;
  alerts?: Array<{ summary: string; notice: string }>;
}

export default async function run(): Promise<BenchResult> {
  say('starting the benchmark stack…');
  const { endpoints } = await stackUp({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  const chat = await startChatEndpoint();
  let config: Config | undefined;
  const running: Array<{ stop(): Promise<void> }> = [];
  let startedAt = Date.now();
  try {
    await waitHealthy(endpoints.redisSeeds, 120_000);
    const base = defaultConfig();
    const id = Date.now();
    config = {
      ...base,
      kafka: { ...base.kafka, brokers: endpoints.kafkaBrokers },
      clickhouse: { ...base.clickhouse, url: endpoints.clickhouseUrl, database: `bench_quiet_${id}` },
      collector: {
        ...base.collector,
        clusters: [{ name: 'local', seeds: endpoints.redisSeeds.slice(0, 1) }],
        health: { host: '127.0.0.1', port: 0 },
      },
      // Health endpoints on any free port: a benchmark may run beside another process on the defaults.
      stream: { ...base.stream, groupId: `bench-quiet-stream-${id}`, health: { host: '127.0.0.1', port: 0 } },
      api: { ...base.api, port: 0 },
      alerts: {
        ...base.alerts,
        health: { host: '127.0.0.1', port: 0 },
        managerGroupId: `bench-quiet-alerts-${id}`,
        deliveryGroupId: `bench-quiet-delivery-${id}`,
        routes: [{ match: {}, receiver: 'chat' }], // every alert, whatever its rule
        receivers: [{ name: 'chat', type: 'webhook', url: chat.url }],
      },
    };
    await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]);
    await startGroupsAtEnd(config, [config.alerts.managerGroupId], [TOPICS.alerts]);
    await startGroupsAtEnd(config, [config.alerts.deliveryGroupId], [TOPICS.notifications]);
    startedAt = Date.now();
    // Stopped in reverse order of starting: the workload first, the stream processor last but one.
    running.unshift(await startStream(config, log));
    running.unshift(await startAlerts(config, log));
    running.unshift(await startCollector(config, log));
    running.unshift(await startApi(config, log));
    running.unshift(startWorkload(endpoints.redisSeeds, log));
    for (let m = 1; m <= MINUTES; m++) {
      await sleep(60_000);
      say(`${m}/${MINUTES} min: ${chat.received.length} message(s) so far`);
    }
  } finally {
    for (const r of running) await r.stop().catch(() => {});
    await chat.close();
    // The run's database is of no use afterwards, and a server holding old ones takes longer
    // than stackUp waits to start on this machine (seen: > 60 s with one earlier run's tables).
    if (config) await dropDatabase(config).catch(() => {});
    if (process.env.BENCH_KEEP_STACK !== '1')
      await stackDown({ ports: BENCH_PORTS, dataDir: BENCH_STACK_DIR, log: () => {} });
  }
  const messages = chat.received.map((m) => {
    const b = m.body as Body;
    return {
      atS: Math.round((m.at - startedAt) / 1000),
      rule: b.rule ?? '',
      status: b.status ?? '',
      // A body that is not an alert message is shown as it came, so it can be traced.
      what: (b.alerts
        ? b.alerts.map((a) => `${a.notice}: ${a.summary}`).join(' | ')
        : `not an alert message: ${typeof m.body === 'string' ? m.body : JSON.stringify(m.body)}`
      ).slice(0, 200),
    };
  });
  const digestIndex = messages.findIndex((m) => m.rule === 'config-audit');
  const afterDigest = messages.filter((_, i) => i !== digestIndex);
  for (const m of messages) say(`+${m.atS}s ${m.rule} ${m.status}: ${m.what}`);
  return {
    figures: { minutes: MINUTES, messages, afterStartupDigest: afterDigest.length },
    table: [
      { measure: 'minutes of healthy cluster + workload', value: MINUTES, goal: '30' },
      {
        measure: 'startup config-audit digest',
        value: digestIndex >= 0 ? `+${messages[digestIndex]!.atS} s` : 'none',
        goal: '1',
      },
      { measure: 'messages besides the startup digest', value: afterDigest.length, goal: '0' },
      ...afterDigest
        .slice(0, 20)
        .map((m) => ({ measure: `+${m.atS} s ${m.rule} ${m.status}`, value: m.what, goal: '' })),
    ],
  };
}
