// Several stream processors in one consumer group, under load, while members come and go:
// three processors (real child processes), and every 10 s for two minutes one is killed
// with SIGKILL or a new one is added. Meanwhile the collector samples the local Redis
// Cluster, synthetic INFO samples stream in, and a real failover happens (a master frozen
// with SIGSTOP). Afterwards every message of the test's range is stored exactly once —
// counted by Kafka offsets, in raw tables and in a rollup — and chat got exactly one
// message announcing the failover.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners } from 'kafkajs';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { startAlerts, type RunningAlerts } from '../alerts/index.ts';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { createKafka } from '../common/kafka.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { startChatEndpoint, type ChatEndpoint } from './support/chat-endpoint.ts';
import { clusterNodes, clusterWhole, pidOf } from './support/freeze.ts';
import { startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, endpoints, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const CHURN_MS = 120_000;
const STEP_MS = 10_000;
const base = testConfig();
const config = {
  ...base,
  collector: { ...base.collector, topology: { ...base.collector.topology, everyMs: 500 } },
  stream: { ...base.stream, sessionTimeoutMs: 10_000 },
};
const db = config.clickhouse.database;
const synthetic = uniqueName('churn');
const dir = mkdtempSync(join(tmpdir(), 'redscope-churn-'));
const configFile = join(dir, 'processor.yaml');
const processors: ChildProcess[] = [];
let chat: ChatEndpoint | undefined;
let alerts: RunningAlerts | undefined;
let collector: RunningCollector | undefined;

afterAll(async () => {
  for (const p of processors) p.kill('SIGKILL');
  await collector?.stop();
  await alerts?.stop();
  await chat?.close();
  await dropDatabase(config);
});

function startProcessor(n: number): ChildProcess {
  const out = createWriteStream(join(dir, `processor-${n}.log`));
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/redscope.ts', '--config', configFile, 'stream'], {
    env: { ...process.env, REDSCOPE_LOG_LEVEL: 'info' }, // logs in the test's temp dir: alert events are info
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  processors.push(child);
  return child;
}

const alive = () => processors.filter((p) => p.exitCode === null && p.signalCode === null);
const status = (b: unknown) => (b as { status?: string }).status;

async function topicRange(topics: readonly string[]) {
  const admin = createKafka(config.kafka, quietLog).admin();
  await admin.connect();
  try {
    const out = new Map<string, Map<number, number>>();
    for (const t of topics)
      out.set(t, new Map((await admin.fetchTopicOffsets(t)).map((p) => [p.partition, Number(p.high)])));
    return out;
  } finally {
    await admin.disconnect();
  }
}

describe('several processors while members join and die', () => {
  it('three processors, one killed or added every 10 s for two minutes: exact counts, one failover message', {
    timeout: 420_000,
  }, async () => {
    chat = await startChatEndpoint();
    const alertsConfig = {
      ...config,
      alerts: {
        ...config.alerts,
        groupWaitMs: 0,
        managerGroupId: uniqueName('alerts'),
        deliveryGroupId: uniqueName('delivery'),
        routes: [{ match: { rule: 'failover' }, receiver: 'chat' }],
        receivers: [{ name: 'chat', type: 'webhook' as const, url: chat.url }],
      },
    };
    writeFileSync(
      configFile,
      stringify({
        kafka: { brokers: config.kafka.brokers },
        clickhouse: { url: config.clickhouse.url, database: db },
        stream: { groupId: config.stream.groupId, lingerMs: 200, sessionTimeoutMs: 10_000, health: null },
      }),
    );
    await eventually(
      () => clusterWhole(endpoints.redisSeeds),
      (ok) => ok,
      { timeoutMs: 30_000, what: 'a whole Redis cluster before the test' },
    );
    const ch = createClickHouse(config.clickhouse);
    await migrate(ch, db); // before the processors start at once (they would elect a leader)
    await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]);
    await startGroupsAtEnd(alertsConfig, [alertsConfig.alerts.managerGroupId], [TOPICS.alerts]);
    await startGroupsAtEnd(alertsConfig, [alertsConfig.alerts.deliveryGroupId], [TOPICS.notifications]);
    const start = await topicRange([TOPICS.info, TOPICS.topology]);
    for (let i = 0; i < 3; i++) startProcessor(i);
    alerts = await startAlerts(alertsConfig, quietLog);
    collector = await startCollector(config, quietLog);

    const producer = createKafka(config.kafka, quietLog).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    let produced = 0;
    let producing = true;
    const load = (async () => {
      while (producing) {
        const messages = Array.from({ length: 100 }, () => {
          const s = syntheticInfo(synthetic, produced++, 24);
          return { key: s.instance.id, value: JSON.stringify(s) };
        });
        await producer.send({ topic: TOPICS.info, acks: -1, messages });
        await sleep(250);
      }
    })();

    // The failover, a little after the churn starts.
    const failover = (async () => {
      await sleep(25_000);
      const nodes = await clusterNodes(endpoints.redisSeeds[0]!);
      const master = nodes.find((n) => n.role === 'master' && n.slots.length > 0)!;
      const pid = await pidOf(`${master.host}:${master.port}`);
      process.kill(pid, 'SIGSTOP');
      await sleep(9000); // node timeout 2 s: promoted after ~4 s
      process.kill(pid, 'SIGCONT');
    })();

    const actions = ['kill', 'add', 'add', 'kill', 'kill', 'add', 'kill', 'add', 'add', 'kill', 'kill', 'add'];
    let n = 3;
    try {
      for (const action of actions.slice(0, Math.floor(CHURN_MS / STEP_MS))) {
        await sleep(STEP_MS);
        const running = alive();
        if (action === 'kill' && running.length > 1)
          running[Math.floor(Math.random() * running.length)]!.kill('SIGKILL');
        else startProcessor(n++);
      }
      await failover;
    } finally {
      producing = false;
      await load;
      await producer.disconnect();
    }
    await collector.stop();
    collector = undefined;
    const end = await topicRange([TOPICS.info, TOPICS.topology]);
    const inRange = (topic: string) =>
      [...end.get(topic)!].reduce((sum, [p, high]) => sum + high - (start.get(topic)!.get(p) ?? 0), 0);

    const counts = async () => {
      const rs = await ch.query({
        query: `SELECT
          (SELECT count() FROM ${db}.info_samples) AS info,
          (SELECT uniqExact(kafka_partition, kafka_offset) FROM ${db}.info_samples) AS infoOffsets,
          (SELECT count() FROM ${db}.info_samples WHERE cluster = '${synthetic}') AS synthetic,
          (SELECT count() FROM ${db}.command_stats WHERE cluster = '${synthetic}') AS syntheticCommands,
          (SELECT sum(calls) FROM ${db}.command_histograms_1m WHERE cluster = '${synthetic}' AND instance != '') AS syntheticCalls,
          (SELECT count() FROM ${db}.topology_samples) AS topology,
          (SELECT uniqExact(kafka_partition, kafka_offset) FROM ${db}.topology_samples) AS topologyOffsets`,
        format: 'JSONEachRow',
      });
      return Object.fromEntries(
        Object.entries((await rs.json<Record<string, string>>())[0]!).map(([k, v]) => [k, Number(v)]),
      ) as Record<
        'info' | 'infoOffsets' | 'synthetic' | 'syntheticCommands' | 'syntheticCalls' | 'topology' | 'topologyOffsets',
        number
      >;
    };
    const want = {
      info: inRange(TOPICS.info),
      infoOffsets: inRange(TOPICS.info),
      synthetic: produced,
      syntheticCommands: 2 * produced,
      syntheticCalls: 15 * produced,
      topology: inRange(TOPICS.topology),
      topologyOffsets: inRange(TOPICS.topology),
    };
    try {
      await eventually(
        counts,
        (c) =>
          c.infoOffsets >= want.info && c.topologyOffsets >= want.topology && c.syntheticCalls >= want.syntheticCalls,
        {
          what: `every message of the range stored (want ${JSON.stringify(want)}; processor logs in ${dir})`,
          timeoutMs: 180_000,
          intervalMs: 1000,
        },
      );
      await sleep(3000); // anything stored twice would show by now
      expect(await counts()).toEqual(want);

      await eventually(
        async () => chat!.received.map((m) => status(m.body)),
        (s) => s.includes('resolved'),
        { what: `the failover resolved in chat (processor logs in ${dir})`, timeoutMs: 90_000 },
      );
      await sleep(5000); // a repeated announcement would arrive by now
      // One announcement: firing then resolved — or, when the owner of the cluster's topology
      // partition was killed during the failover and its successor read the promotion and the
      // recovery together, the resolved message alone (alerts/lifecycle.ts).
      const statuses = chat.received.map((m) => status(m.body));
      expect([['firing', 'resolved'], ['resolved']]).toContainEqual(statuses);
      expect(JSON.stringify(chat.received.at(-1)!.body)).toMatch(/back in local|removed from local/);
    } finally {
      for (const p of alive()) p.kill('SIGTERM');
      await ch.close();
      await eventually(
        () => clusterWhole(endpoints.redisSeeds),
        (ok) => ok,
        { timeoutMs: 60_000, what: 'the Redis cluster whole again' },
      );
    }
  });
});
