// Stage-2 samples end to end: collector → Kafka → stream processor → their ClickHouse
// tables, on the real stack, with values this test creates in Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier, sql, type SqlFragment } from '../common/sql.ts';
import { startStream, type RunningStream } from '../stream/index.ts';
import { clusterTargets, namedClient, type ClusterTargets } from './support/cluster-targets.ts';
import { dropDatabase, eventually, quietLog, testConfig } from './support/pipeline.ts';
import { SAMPLE_TOPICS } from '../contracts/index.ts';
import { startGroupsAtEnd } from './support/kafka.ts';

const base = testConfig();
// The topics are shared and a new consumer group reads them from the beginning, so this
// test's database also receives other runs' samples: rows are told apart by collector name.
const collectorName = `e2e-${base.clickhouse.database}`;
const config = {
  ...base,
  collector: {
    ...base.collector,
    name: collectorName,
    topology: { ...base.collector.topology, everyMs: 500 },
    slowlog: { ...base.collector.slowlog, everyMs: 500 },
    latency: { ...base.collector.latency, everyMs: 500 },
    clients: { ...base.collector.clients, everyMs: 1000 },
    configAudit: { ...base.collector.configAudit, everyMs: 2000 },
  },
};
const db = config.clickhouse.database;
const clickhouse = createClickHouse(config.clickhouse);
let stream: RunningStream;
let collector: RunningCollector;
let cluster: ClusterTargets;

const table = (name: string) => identifier(`${db}.${name}`);
async function rows<T>(query: SqlFragment): Promise<T[]> {
  const rs = await clickhouse.query({ query: query.text, format: 'JSONEachRow' });
  return rs.json<T>();
}

beforeAll(async () => {
  cluster = await clusterTargets();
  await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]); // not what other tests left
  stream = await startStream(config, quietLog);
  collector = await startCollector(config, quietLog);
});

afterAll(async () => {
  await collector?.stop();
  await stream?.stop();
  cluster?.close();
  await dropDatabase(config);
  await clickhouse.close();
});

describe('stage-2 samples end to end', () => {
  it('topology: every node reports an ok view of 3 masters + 3 replicas, with its node list stored', async () => {
    const seen = await eventually(
      () =>
        rows<{ instance: string; state: string; masters: number; replicas: number }>(sql`
        SELECT instance, any(cluster_state) AS state, max(masters) AS masters, max(replicas) AS replicas
        FROM ${table('topology_samples')} WHERE collector = ${collectorName} GROUP BY instance`),
      (r) => r.length === 6,
      { what: 'topology samples from 6 instances' },
    );
    for (const r of seen) expect(r).toMatchObject({ state: 'ok', masters: 3, replicas: 3 });
    // The node lists may land in a later insert than the samples that carry them.
    const [nodes] = await eventually(
      () =>
        rows<{ observers: string; pairs: string }>(sql`
        SELECT uniqExact(instance) AS observers, uniqExact(instance, node_id) AS pairs FROM ${table('topology_nodes')}
        WHERE (instance, ts_ms) IN (SELECT instance, ts_ms FROM ${table('topology_samples')} WHERE collector = ${collectorName})`),
      (r) => Number(r[0]?.observers) === 6,
      { what: 'node lists stored for 6 observers' },
    );
    expect(Number(nodes!.pairs)).toBe(36);
  });

  it('slowlog, latency and clients: a slow command, a latency spike and a named pool of this test arrive', async () => {
    const target = cluster.master();
    const slow = await namedClient(target, 'redscope-e2e-slow');
    const pool = await Promise.all([1, 2].map(() => namedClient(target, 'redscope-test-pool')));
    await pool[1]!.redis.call('CLIENT', 'SETNAME', pool[0]!.name);
    try {
      const before = Math.floor(Date.now() / 1000);
      await slow.redis.call('DEBUG', 'SLEEP', '0.05');
      await slow.redis.call('DEBUG', 'SLEEP', '0.15');

      const slowRows = await eventually(
        () =>
          rows<{ command: string; duration_us: string; args: string[] }>(sql`
          SELECT command, duration_us, args FROM ${table('slowlog')} WHERE client_name = ${slow.name} AND collector = ${collectorName} ORDER BY entry_id`),
        (r) => r.length === 2,
        { what: `two slowlog rows of ${slow.name}` },
      );
      expect(slowRows.map((r) => r.command)).toEqual(['debug', 'debug']);
      expect(Number(slowRows[0]!.duration_us)).toBeGreaterThanOrEqual(50_000);
      expect(slowRows[0]!.args).toEqual(['SLEEP', '?']);

      const spikes = await eventually(
        () =>
          rows<{ latency_ms: number }>(sql`
          SELECT latency_ms FROM ${table('latency_events')} WHERE instance = ${target.ref.id} AND event = 'command' AND ts >= toDateTime(${before})`),
        (r) => r.length > 0,
        { what: `a latency spike of ${target.ref.id}` },
      );
      expect(Number(spikes[0]!.latency_ms)).toBeGreaterThanOrEqual(150);

      const [probes] = await rows<{ n: string; answered: string }>(sql`
        SELECT count() AS n, sum(pings_answered) AS answered FROM ${table('latency_probes')} WHERE instance = ${target.ref.id} AND collector = ${collectorName}`);
      expect(Number(probes!.n)).toBeGreaterThan(0);
      expect(Number(probes!.answered)).toBe(10 * Number(probes!.n));

      const pooled = await eventually(
        () =>
          rows<{ count: number }>(sql`
          SELECT by_name_counts[indexOf(by_name_keys, ${pool[0]!.name})] AS count FROM ${table('client_summaries')}
          WHERE instance = ${target.ref.id} AND collector = ${collectorName} AND has(by_name_keys, ${pool[0]!.name}) ORDER BY ts_ms DESC LIMIT 1`),
        (r) => r.length === 1,
        { what: `a client summary naming ${pool[0]!.name}` },
      );
      expect(Number(pooled[0]!.count)).toBe(2);
    } finally {
      slow.redis.disconnect();
      for (const c of pool) c.redis.disconnect();
    }
  });

  it('config audit: audits of all six nodes, with timeout 0 and FLUSHALL flagged', async () => {
    const audits = await eventually(
      () =>
        rows<{ instance: string }>(
          sql`SELECT DISTINCT instance FROM ${table('config_audits')} WHERE collector = ${collectorName}`,
        ),
      (r) => r.length === 6,
      { what: 'config audits of 6 instances' },
    );
    expect(audits).toHaveLength(6);
    const flagged = await rows<{ rule: string; setting: string; n: string }>(sql`
      SELECT rule, setting, uniqExact(instance) AS n FROM ${table('config_findings')}
      WHERE (instance, ts_ms) IN (SELECT instance, ts_ms FROM ${table('config_audits')} WHERE collector = ${collectorName})
        AND ((rule = 'timeout-zero') OR (rule = 'dangerous-command' AND setting = 'flushall'))
      GROUP BY rule, setting ORDER BY rule`);
    expect(flagged.map((f) => [f.rule, f.setting, Number(f.n)])).toEqual([
      ['dangerous-command', 'flushall', 6],
      ['timeout-zero', 'timeout', 6],
    ]);
  });

  it("every node's latency probes and client summaries passed the processor's contract check", async () => {
    const counts = await eventually(
      () =>
        rows<{ probes: string; clients: string }>(sql`
        SELECT
          (SELECT uniqExact(instance) FROM ${table('latency_probes')} WHERE collector = ${collectorName}) AS probes,
          (SELECT uniqExact(instance) FROM ${table('client_summaries')} WHERE collector = ${collectorName}) AS clients`),
      (r) => Number(r[0]?.probes) === 6 && Number(r[0]?.clients) === 6,
      { what: 'latency probes and client summaries of 6 instances' },
    );
    expect(counts).toHaveLength(1);
  });
});
