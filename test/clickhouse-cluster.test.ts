// The ClickHouse cluster path on the local two-replica cluster (ZooKeeper + two 18.16
// servers, one shard; `stack up --ch-cluster`): migrations ON CLUSTER build Replicated
// tables read and written through Distributed ones; each replica is killed mid-stream
// (SIGKILL) and restarted — first the one the processor does not talk to, then the one
// it does — and afterwards both replicas hold every sample exactly once in the raw tables,
// never twice in the rollups, and agree; migrations run again are no-ops; every query the
// API and the detectors issue runs through the Distributed tables. The one loss 18.16
// allows: the replica the processor inserts into, killed between a block and the block's
// materialized views, leaves those views without that one block (docs/exactly-once.md).
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { createKafka } from '../common/kafka.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { clusterReplicas, LOCAL_CLUSTER, replicaPid, startReplica } from '../stack/clickhouse-cluster.ts';
import { clusterPorts, stackDataDir, stackPortsFromEnv, stackUp } from '../stack/index.ts';
import { startStream } from '../stream/index.ts';
import { startGroupsAtEnd } from './support/kafka.ts';
import { eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';
import { QUERY_SHAPES } from './support/query-shapes.ts';
import { syntheticInfo } from './support/synthetic.ts';

const ports = clusterPorts(stackPortsFromEnv());
const replicas = clusterReplicas(ports);
const dataDir = stackDataDir();
const base = testConfig();
const config = {
  ...base,
  clickhouse: { ...base.clickhouse, url: replicas[0]!.url, cluster: LOCAL_CLUSTER, requestTimeoutMs: 10_000 },
};
const db = config.clickhouse.database;
/** Samples one insert can hold: the processor's flush (stream.flushMessages). */
const LOST_AT_MOST = config.stream.flushMessages;
const cluster = uniqueName('replicated');
const onReplica = replicas.map((r) =>
  createClickHouse({ ...config.clickhouse, url: r.url }, { requestTimeoutMs: 5000 }),
);

beforeAll(async () => {
  await stackUp({ clickhouseCluster: true, log: (line) => console.log(`[stack] ${line}`) });
}, 300_000);

afterAll(async () => {
  for (const r of replicas) await startReplica(r, replicas, { ports, dataDir, log: () => {} }); // never leave one down
  await onReplica[0]!.command({ query: `DROP DATABASE IF EXISTS ${db} ON CLUSTER ${LOCAL_CLUSTER}` }).catch(() => {});
  for (const c of onReplica) await c.close();
});

/** What one replica holds, from its own shard-local tables. */
async function held(i: number) {
  const rs = await onReplica[i]!.query({
    query: `SELECT
      (SELECT count() FROM ${db}.info_samples_local WHERE cluster = '${cluster}') AS rows,
      (SELECT uniqExact(kafka_partition, kafka_offset) FROM ${db}.info_samples_local WHERE cluster = '${cluster}') AS offsets,
      (SELECT count() FROM ${db}.command_stats_local WHERE cluster = '${cluster}') AS commands,
      (SELECT sum(calls) FROM ${db}.command_histograms_1m_local WHERE cluster = '${cluster}' AND instance != '') AS calls1m`,
    format: 'JSONEachRow',
  });
  const r = (await rs.json<Record<string, string>>())[0]!;
  return { rows: Number(r.rows), offsets: Number(r.offsets), commands: Number(r.commands), calls1m: Number(r.calls1m) };
}

describe('ClickHouse cluster (two replicas of one shard)', () => {
  it('a replica killed mid-stream and restarted: raw tables exact, rollups never twice, replicas alike; migrations re-run are no-ops', {
    timeout: 400_000,
  }, async () => {
    await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]);
    const stream = await startStream(config, quietLog);
    const engines = await (
      await onReplica[1]!.query({
        query: `SELECT name, engine FROM system.tables WHERE database = '${db}' AND name IN ('info_samples', 'info_samples_local')`,
        format: 'JSONEachRow',
      })
    ).json<{ name: string; engine: string }>();
    expect(Object.fromEntries(engines.map((e) => [e.name, e.engine]))).toEqual({
      info_samples: 'Distributed',
      info_samples_local: 'ReplicatedMergeTree',
    });

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
          const s = syntheticInfo(cluster, produced++, 8);
          return { key: s.instance.id, value: JSON.stringify(s) };
        });
        await producer.send({ topic: TOPICS.info, acks: -1, messages });
        await sleep(200);
      }
    })();
    try {
      for (const i of [1, 0]) {
        // replica 2 first (the processor keeps inserting into replica 1), then replica 1 itself
        await sleep(3000);
        process.kill(replicaPid(dataDir, replicas[i]!)!, 'SIGKILL');
        await sleep(5000);
        await startReplica(replicas[i]!, replicas, { ports, dataDir, log: () => {} });
      }
      await sleep(3000);
    } finally {
      producing = false;
      await load;
      await producer.disconnect();
    }

    try {
      const both = async () => [await held(0), await held(1)] as const;
      // Every table replicates its parts on its own, so one can lag another: wait until the
      // replicas agree on all of them.
      const settled = await eventually(
        both,
        ([a, b]) =>
          a.rows >= produced && JSON.stringify(a) === JSON.stringify(b) && a.commands >= 2 * (produced - LOST_AT_MOST),
        { what: `both replicas to hold ${produced} samples alike`, timeoutMs: 180_000, intervalMs: 1000 },
      );
      await sleep(3000); // replication of anything stored twice would show by now
      const [first, second] = await both();
      expect(first).toEqual(settled[0]);
      expect(second).toEqual(first);
      // Raw tables exact; rollups never hold a sample twice.
      expect(first).toMatchObject({ rows: produced, offsets: produced });
      expect(first.commands).toBeLessThanOrEqual(2 * produced);
      expect(first.calls1m).toBeLessThanOrEqual(15 * produced);
      // 18.16's limit (docs/exactly-once.md): the replica the processor inserts into, killed
      // between a block and its materialized views, leaves those views without that block.
      const lost = { commands: produced - first.commands / 2, calls1m: produced - first.calls1m / 15 };
      console.log(`samples missing from rollups after the kills: ${JSON.stringify(lost)}`);
      expect(lost.commands).toBeLessThanOrEqual(LOST_AT_MOST);
      expect(lost.calls1m).toBeLessThanOrEqual(LOST_AT_MOST);
      // Read through the Distributed table, as the API and dashboards do.
      const viaDistributed = await (
        await onReplica[1]!.query({
          query: `SELECT count() AS n FROM ${db}.info_samples WHERE cluster = '${cluster}'`,
          format: 'JSONEachRow',
        })
      ).json<{ n: string }>();
      expect(Number(viaDistributed[0]!.n)).toBe(produced);
      expect(stream.processor.writer.stats.fencedInserts).toBeGreaterThan(0);
    } finally {
      await stream.stop();
    }

    for (const c of onReplica)
      expect(await migrate(c, db, { cluster: LOCAL_CLUSTER })).toEqual({ applied: [], derived: [], backfilled: [] });

    const failing: string[] = [];
    for (const shape of QUERY_SHAPES) {
      try {
        await (await onReplica[0]!.query({ query: shape.build(db).text, format: 'JSONEachRow' })).json();
      } catch (err) {
        failing.push(`${shape.name}: ${(err as Error).message.slice(0, 200)}`);
      }
    }
    expect(failing, failing.join('\n')).toEqual([]);
  });
});
