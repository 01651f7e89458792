// The Stage 5 key-pattern case end to end (issue #10, item 4): 60,000 leaked keys
// `cart:<id>:items` without TTL, their ids in six common styles (numbers, base36, base62,
// 6–12-char hex, nanoid, UUID), written to the real cluster. The collector scans every
// shard (baseline first), the scans travel through Kafka and the stream processor into
// ClickHouse, and the detector names the pattern. Before the pattern miner, 29,025 of them
// were attributed to `cart:*:items`, ~22,000 to `(other)` and the rest to one-key patterns.
import { setTimeout as sleep } from 'node:timers/promises';
import { randomInt } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import { idCorpus, LEAK_STYLES } from '../collectors/samplers/keyspace/testing/id-corpus.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { createKafka } from '../common/kafka.ts';
import { identifier, sql } from '../common/sql.ts';
import { SAMPLE_TOPICS, TOPICS, type AlertEventV1 } from '../contracts/index.ts';
import { startStream, type RunningStream } from '../stream/index.ts';
import { startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, endpoints, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';

const base = testConfig();
const config = {
  ...base,
  collector: {
    ...base.collector,
    keyspace: { ...base.collector.keyspace, everyMs: 4000, jitterMs: 0, keysPerSecond: 0, batchKeys: 1000 },
  },
};
const LEAKED = 60_000;
// Letters only, so the prefix is a plain word to the miner and no other run shares it.
const prefix = `leak${Array.from({ length: 8 }, () => String.fromCharCode(97 + randomInt(26))).join('')}`;
const pattern = `${prefix}:cart:*:items`;
const [host, port] = endpoints.redisSeeds[0]!.split(':');
const cluster = new Cluster([{ host, port: Number(port) }], { enableAutoPipelining: true });
let stream: RunningStream | undefined;
let collector: RunningCollector | undefined;

afterAll(async () => {
  await collector?.stop();
  await stream?.stop();
  for (const node of cluster.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
      cursor = next;
      // One UNLINK per key: a cluster node refuses multi-key commands across slots.
      if (keys.length > 0) await node.pipeline(keys.map((k) => ['unlink', k])).exec();
    } while (cursor !== '0');
  }
  cluster.disconnect();
  await dropDatabase(config);
});

interface PatternTotal {
  pattern: string;
  keys: string;
  noTtl: string;
  instances: string;
}

/** Patterns of this test's keys, and `(other)`, in the latest scan of every instance. */
async function latestPatterns(): Promise<PatternTotal[]> {
  const ch = createClickHouse(config.clickhouse);
  try {
    const t = identifier(`${config.clickhouse.database}.key_patterns`);
    const q = sql`SELECT pattern, sum(keys) AS keys, sum(no_ttl) AS noTtl, uniqExact(instance) AS instances
FROM ${t}
WHERE (instance, ts_ms) IN (SELECT instance, max(ts_ms) FROM ${t} GROUP BY instance)
  AND (startsWith(pattern, ${prefix}) OR pattern = '(other)')
GROUP BY pattern ORDER BY pattern`;
    const rs = await ch.query({ query: q.text, format: 'JSONEachRow' });
    return await rs.json<PatternTotal>();
  } finally {
    await ch.close();
  }
}

describe('60,000 leaked cart keys in six id styles → one pattern, one alert per master', () => {
  it('counts every leaked key under cart:*:items through scan, Kafka, ClickHouse and the detector', async () => {
    const alertsGroup = uniqueName('pattern-leak-alerts');
    await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]);
    await startGroupsAtEnd(config, [alertsGroup], [TOPICS.alerts]);
    const seen: AlertEventV1[] = [];
    const consumer = createKafka(config.kafka, quietLog).consumer({ groupId: alertsGroup });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.alerts });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString()) as AlertEventV1),
    });
    try {
      stream = await startStream(config, quietLog);
      collector = await startCollector(config, quietLog);
      // The first scan of each shard is the baseline.
      const scansDone = async () =>
        collector!.collector.health().filter((h) => h.sampler === 'keyspace' && h.lastSuccessAt !== null).length;
      await eventually(scansDone, (n) => n >= 6, { timeoutMs: 60_000, what: 'a baseline keyspace run on every node' });
      await sleep(1000); // let the baseline scans reach the detector

      // The forgotten EXPIRE, with the ids real applications make.
      const ids = idCorpus(LEAK_STYLES, LEAKED / LEAK_STYLES.length, randomInt(1_000_000));
      expect(new Set(ids).size).toBe(LEAKED);
      for (let i = 0; i < ids.length; i += 5000)
        await Promise.all(ids.slice(i, i + 5000).map((id) => cluster.hset(`${prefix}:cart:${id}:items`, 'sku', '1')));
      const masters = cluster.nodes('master');
      for (const m of masters) await m.call('WAIT', 1, 5000); // scans read the replicas

      // Every shard's latest scan, stored in ClickHouse, has all its leaked keys in one pattern.
      const rows = await eventually(
        latestPatterns,
        (r) => r.some((p) => p.pattern === pattern && Number(p.keys) === LEAKED),
        {
          timeoutMs: 90_000,
          what: `${LEAKED} keys under ${pattern} in the latest scans`,
        },
      );
      expect(rows).toEqual([
        { pattern, keys: String(LEAKED), noTtl: String(LEAKED), instances: String(masters.length) },
      ]);

      // The detector named that pattern on every master (one alert each, the key count in it).
      const alerts = await eventually(
        async () =>
          seen.filter(
            (a) => a.rule === 'non-expiring-pattern' && a.status === 'firing' && a.labels.pattern === pattern,
          ),
        (a) => new Set(a.map((x) => x.instance)).size === masters.length,
        { timeoutMs: 30_000, what: `a non-expiring-pattern alert naming ${pattern} on each master` },
      );
      for (const a of alerts) {
        expect(a.summary).toContain(pattern);
        expect(a.labels.example_key).toMatch(new RegExp(`^${prefix}:cart:[^:]+:items$`));
      }
      // No alert named a pattern of this test's keys other than cart:*:items.
      const others = seen.filter((a) => a.labels.pattern?.startsWith(prefix) && a.labels.pattern !== pattern);
      expect(others.map((a) => a.labels.pattern)).toEqual([]);
    } finally {
      await consumer.disconnect();
    }
  }, 300_000);
});
