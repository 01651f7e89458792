// ClickHouse frozen (SIGSTOP) for longer than the processor's request timeout, five times,
// at moments when inserts are in flight, while samples keep arriving. Each frozen insert
// has an unknown outcome: it may be stored when the server wakes up, after the processor
// gave up on it. The processor fences each one before sending anything again, so every
// raw table and every rollup ends up exact: no sample lost, no (partition, offset) twice.
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { createKafka } from '../common/kafka.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { clickhousePid } from '../stack/clickhouse.ts';
import { stackDataDir } from '../stack/index.ts';
import { startStream } from '../stream/index.ts';
import { startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';
import { topologyFixture } from './support/sample-fixtures.ts';
import { syntheticInfo } from './support/synthetic.ts';

const REQUEST_TIMEOUT_MS = 2500;
const base = testConfig();
const config = { ...base, clickhouse: { ...base.clickhouse, requestTimeoutMs: REQUEST_TIMEOUT_MS } };
const db = config.clickhouse.database;
const cluster = uniqueName('frozen');
const serverPid = clickhousePid(stackDataDir());
let frozen = false;

afterAll(async () => {
  if (frozen && serverPid) process.kill(serverPid, 'SIGCONT');
  await dropDatabase(base); // with the default timeout: dropping takes longer than 2.5 s
});

// Probes run beside the processor with their own short timeout (they fail while frozen).
const probe = createClickHouse(config.clickhouse, { requestTimeoutMs: 1000 });

async function insertInFlight(): Promise<boolean> {
  const rs = await probe.query({
    query: "SELECT count() AS n FROM system.processes WHERE startsWith(query_id, 'redscope-insert:')",
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: string }>())[0]!.n) > 0;
}

async function tables() {
  const q = async (sql: string) => {
    const rs = await probe.query({ query: sql, format: 'JSONEachRow' });
    return (await rs.json<Record<string, string>>())[0]!;
  };
  const where = `WHERE cluster = '${cluster}'`;
  const raw = async (t: string) => {
    const r = await q(
      `SELECT count() AS n, uniqExact(kafka_partition, kafka_offset) AS offsets FROM ${db}.${t} ${where}`,
    );
    return { rows: Number(r.n), offsets: Number(r.offsets) };
  };
  const sum = async (sql: string) => Number(Object.values(await q(sql))[0]);
  return {
    info: await raw('info_samples'),
    topologySamples: await raw('topology_samples'),
    topologyNodes: (await raw('topology_nodes')).rows,
    topologyChanges: (await raw('topology_changes')).rows,
    commands: await sum(`SELECT count() FROM ${db}.command_stats ${where}`),
    errors: await sum(`SELECT count() FROM ${db}.error_stats ${where}`),
    calls1s: await sum(`SELECT sum(calls) FROM ${db}.command_histograms_1s ${where} AND instance != ''`),
    calls1m: await sum(`SELECT sum(calls) FROM ${db}.command_histograms_1m ${where} AND instance != ''`),
    callsCluster1m: await sum(`SELECT sum(calls) FROM ${db}.command_histograms_1m ${where} AND instance = ''`),
    calls1h: await sum(`SELECT sum(calls) FROM ${db}.command_histograms_1h ${where} AND instance != ''`),
    samples1m: await sum(`SELECT countMerge(samples) FROM ${db}.info_1m ${where}`),
    inventory: await sum(`SELECT uniqExact(instance) FROM ${db}.instance_inventory ${where}`),
  };
}

describe('ClickHouse frozen during inserts', () => {
  it('five freezes longer than the request timeout leave every table and rollup exact', {
    timeout: 300_000,
  }, async () => {
    expect(serverPid, 'the stack’s own ClickHouse (pid file) is needed to freeze it').toBeDefined();
    await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]);
    const stream = await startStream(config, quietLog);
    const producer = createKafka(config.kafka, quietLog).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    let info = 0;
    let topology = 0;
    let producing = true;
    // Bursts of samples from 12 instances, and topology views with changes, all the time.
    const load = (async () => {
      while (producing) {
        const infos = Array.from({ length: 120 }, () => {
          const sample = syntheticInfo(cluster, info++, 12);
          return { key: sample.instance.id, value: JSON.stringify(sample) };
        });
        const views = Array.from({ length: 20 }, () => {
          const view = topologyFixture(cluster, topology++);
          return { key: cluster, value: JSON.stringify(view) };
        });
        await producer.sendBatch({
          acks: -1,
          topicMessages: [
            { topic: TOPICS.info, messages: infos },
            { topic: TOPICS.topology, messages: views },
          ],
        });
        await sleep(150);
      }
    })();

    try {
      for (let round = 0; round < 5; round++) {
        await sleep(300 + Math.random() * 1200);
        // Catch an insert in flight when possible; otherwise the next one meets the frozen server.
        const until = Date.now() + 1500;
        while (Date.now() < until && !(await insertInFlight().catch(() => false))) await sleep(5);
        process.kill(serverPid!, 'SIGSTOP');
        frozen = true;
        await sleep(REQUEST_TIMEOUT_MS + 1500 + Math.random() * 2000);
        process.kill(serverPid!, 'SIGCONT');
        frozen = false;
      }
    } finally {
      if (frozen) process.kill(serverPid!, 'SIGCONT');
      frozen = false;
      producing = false;
      await load;
      await producer.disconnect();
    }

    const changed = (n: number) => n - 1; // every view but the first carries two changes
    const expected = {
      info: { rows: info, offsets: info },
      topologySamples: { rows: topology, offsets: topology },
      topologyNodes: 2, // only the first view (viewChanged) stores its node list
      topologyChanges: 2 * changed(topology),
      commands: 2 * info,
      errors: info,
      calls1s: 15 * info,
      calls1m: 15 * info,
      callsCluster1m: 15 * info,
      calls1h: 15 * info,
      samples1m: info,
      inventory: 12,
    };
    try {
      await eventually(
        tables,
        (t) => t.info.rows >= info && t.calls1h >= 15 * info && t.topologySamples.rows >= topology,
        {
          what: `${info} INFO samples and ${topology} topology views stored`,
          timeoutMs: 120_000,
          intervalMs: 500,
        },
      );
      await sleep(2000); // anything stored twice would show by now
      expect(await tables()).toEqual(expected);
      // The freezes did hit inserts: some outcomes were unknown, and were fenced and checked.
      expect(stream.processor.writer.stats.fencedInserts).toBeGreaterThan(0);
    } finally {
      await stream.stop();
      await probe.close();
    }
  });
});
