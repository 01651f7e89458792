// On this host the local stack's six redis-server processes are found from /proc.
import { describe, expect, it } from 'vitest';
import { discoverLocalInstances } from '../collectors/local-discovery.ts';
import { endpoints } from './support/pipeline.ts';

describe('discovering the Redis servers of this host', () => {
  it('finds every node of the local cluster and none of their cluster bus ports', () => {
    const found = discoverLocalInstances();
    for (const seed of endpoints.redisSeeds) expect(found).toContain(seed);
    const busPorts = endpoints.redisSeeds.map((s) => Number(s.split(':')[1]) + 10000);
    expect(found.filter((a) => busPorts.includes(Number(a.split(':')[1])))).toEqual([]);
  });
});

describe('a collector with local discovery and no seeds', () => {
  it('watches every Redis server of this host under the configured cluster name', async () => {
    const { Collector } = await import('../collectors/collector.ts');
    const { KafkaSink } = await import('../collectors/kafka-sink.ts');
    const { createKafka } = await import('../common/kafka.ts');
    const { testConfig, quietLog } = await import('./support/pipeline.ts');
    const base = testConfig();
    const config = {
      ...base.collector,
      clusters: [],
      local: { discover: true, onlyLocal: false, cluster: 'this-host' },
    };
    // A sink that is never started: samples only queue, nothing is sent anywhere.
    const sink = new KafkaSink(createKafka(base.kafka, quietLog), quietLog, {
      maxMessages: 1000,
      topics: [],
      topicPartitions: 1,
    });
    const collector = new Collector(config, [], sink, quietLog);
    await collector.start();
    try {
      for (const seed of endpoints.redisSeeds) expect(collector.instances()).toContain(seed);
    } finally {
      await collector.stop();
    }
  });
});
