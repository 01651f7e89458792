// A non-expiring-key leak created by the test reaches an alert naming its key pattern:
// the collector scans every shard (baseline first), the test writes keys of a new
// pattern without TTL, the next scan carries the pattern through Kafka and the stream
// processor, and the detector publishes an alert naming pattern, count and an example.
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import { keyPattern } from '../collectors/samplers/keyspace/key-pattern.ts';
import { createKafka } from '../common/kafka.ts';
import { SAMPLE_TOPICS, TOPICS, type AlertEventV1 } from '../contracts/index.ts';
import { startStream, type RunningStream } from '../stream/index.ts';
import { startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, endpoints, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';

const base = testConfig();
const config = {
  ...base,
  collector: {
    ...base.collector,
    keyspace: { ...base.collector.keyspace, everyMs: 4000, jitterMs: 0, keysPerSecond: 0 },
  },
  detectors: { ...base.detectors, nonExpiringKeys: { ...base.detectors.nonExpiringKeys, newPatternMinKeys: 100 } },
};
const letters = () =>
  Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
const prefix = `leak${letters()}`;
const [host, port] = endpoints.redisSeeds[0]!.split(':');
const cluster = new Cluster([{ host, port: Number(port) }]);
let stream: RunningStream | undefined;
let collector: RunningCollector | undefined;

afterAll(async () => {
  await collector?.stop();
  await stream?.stop();
  const keys: string[] = [];
  for (const node of cluster.nodes('master')) keys.push(...(await node.keys(`${prefix}:*`)));
  for (const k of keys) await cluster.del(k);
  cluster.disconnect();
  await dropDatabase(config);
});

describe('non-expiring key leak → alert', () => {
  it('a new key pattern without TTL fires an alert naming the pattern and an example key', async () => {
    const alertsGroup = uniqueName('leak-alerts');
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

      // The forgotten EXPIRE: keys spread over every shard, none with a TTL.
      await Promise.all(
        Array.from({ length: 1500 }, (_, i) => cluster.hset(`${prefix}:user:${i}:cart`, 'sku', String(i))),
      );
      const pattern = keyPattern(`${prefix}:user:1:cart`);

      const alert = await eventually(
        async () =>
          seen.find((a) => a.rule === 'non-expiring-pattern' && a.status === 'firing' && a.labels.pattern === pattern),
        Boolean,
        { timeoutMs: 60_000, what: `an alert naming ${pattern}` },
      );
      expect(alert!.summary).toContain(pattern);
      expect(alert!.labels.example_key).toMatch(new RegExp(`^${prefix}:user:\\d+:cart$`));
      expect(alert!.details).toMatch(/keys without TTL: \d/);
    } finally {
      await consumer.disconnect();
    }
  });
});
