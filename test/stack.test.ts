// Integration: the local stack as the rest of redscope sees it. Assumes the
// global setup ran stackUp(); every check goes through the client library the
// app itself uses (ioredis, kafkajs, @clickhouse/client).
import { describe, it, expect } from 'vitest';
import { Cluster } from 'ioredis';
import kafkajs from 'kafkajs';
import { createClient } from '@clickhouse/client';
import { stackEndpoints, stackPortsFromEnv, stackStatus, stackUp } from '../stack/index.ts';

const endpoints = stackEndpoints(stackPortsFromEnv());

describe('local stack', () => {
  it('reports redis, kafka and clickhouse as up', async () => {
    const status = await stackStatus();
    expect(status.map((s) => s.service)).toEqual(['redis', 'kafka', 'clickhouse']);
    for (const s of status) expect(s, `${s.service}: ${s.detail}`).toMatchObject({ up: true });
  });

  it('a second stackUp starts nothing and returns the same endpoints', async () => {
    const { started, endpoints: again } = await stackUp({ log: () => undefined });
    expect(started).toEqual([]);
    expect(again).toEqual(endpoints);
  });

  it('redis cluster is ok with 3 masters and 3 replicas, and routes keys', async () => {
    const cluster = new Cluster(
      endpoints.redisSeeds.map((seed) => ({ host: seed.split(':')[0], port: Number(seed.split(':')[1]) })),
    );
    try {
      const info = await cluster.cluster('INFO');
      expect(info).toContain('cluster_state:ok');
      expect(cluster.nodes('master')).toHaveLength(3);
      expect(cluster.nodes('slave')).toHaveLength(3);
      // Keys spread over all three masters' slot ranges.
      for (let i = 0; i < 30; i++) await cluster.set(`stack-test:${i}`, String(i), 'EX', 60);
      expect(await cluster.get('stack-test:17')).toBe('17');
    } finally {
      cluster.disconnect();
    }
  });

  it('kafka admin lists topics and can create one', async () => {
    const kafka = new kafkajs.Kafka({
      clientId: 'stack-test',
      brokers: endpoints.kafkaBrokers,
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topic = 'redscope-stack-test';
      await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
      expect(await admin.listTopics()).toContain(topic);
      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(meta?.partitions).toHaveLength(6); // num.partitions=6 in server.properties
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });

  it('clickhouse answers SELECT 1', async () => {
    const client = createClient({ url: endpoints.clickhouseUrl });
    try {
      const rows = await (await client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })).json<{
        one: number;
      }>();
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await client.close();
    }
  });
});
