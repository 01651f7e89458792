// Starts a stream processor: migrations → Kafka consumer → ClickHouse.
import { Partitioners } from 'kafkajs';
import type { Config } from '../common/config.ts';
import { createKafka, ensureTopics, topicSettings } from '../common/kafka.ts';
import type { Logger } from '../common/log.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { migrateSchema } from '../clickhouse/migration-leader.ts';
import { applyRetention } from '../clickhouse/retention.ts';
import { errorMessage } from '../common/errors.ts';
import { startHealthServer } from '../common/health-server.ts';
import { DETECTORS, DetectorRunner } from './detectors/index.ts';
import { StreamProcessor } from './processor.ts';
import { processorHealth } from './health.ts';

export { migrate } from '../clickhouse/migrate.ts';

export interface RunningStream {
  processor: StreamProcessor;
  detectors: DetectorRunner;
  health: { url: string } | null;
  stop(): Promise<void>;
}

export async function startStream(config: Config, log: Logger): Promise<RunningStream> {
  const clickhouse = createClickHouse(config.clickhouse);
  await migrateSchema(clickhouse, config, log);
  const kafka = createKafka(config.kafka, log);
  // topologyV1 too: it is still consumed (older collectors), and a subscription needs the topic.
  await ensureTopics(
    kafka,
    [...SAMPLE_TOPICS, TOPICS.topologyV1, TOPICS.deadLetter, TOPICS.alerts],
    topicSettings(config.kafka),
  );
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const detectors = new DetectorRunner(
    DETECTORS,
    config.detectors,
    producer,
    clickhouse,
    config.clickhouse.database,
    log,
  );
  const processor = new StreamProcessor(
    kafka,
    producer,
    clickhouse,
    log,
    {
      groupId: config.stream.groupId,
      database: config.clickhouse.database,
      cluster: config.clickhouse.cluster,
      credentials: { username: config.clickhouse.username, password: config.clickhouse.password },
      flushMessages: config.stream.flushMessages,
      lingerMs: config.stream.lingerMs,
      maxUnstoredMessages: 2 * config.stream.flushMessages,
      sessionTimeoutMs: config.stream.sessionTimeoutMs,
    },
    detectors,
  );
  await processor.start();
  const healthReport = processorHealth(processor, kafka, config.stream.groupId);
  const health = config.stream.health ? await startHealthServer(healthReport.report, config.stream.health) : null;
  log.info(
    { groupId: config.stream.groupId, processor: processor.id, health: health?.url },
    'stream processor started',
  );
  // Retention: a minute after start, then every retention.everyMs.
  const retain = () =>
    applyRetention(clickhouse, config.clickhouse.database, config.retention, { cluster: config.clickhouse.cluster })
      .then(
        (dropped) =>
          dropped.length > 0 &&
          log.info({ dropped: dropped.map((p) => `${p.table}/${p.partition}`) }, 'old partitions dropped (retention)'),
      )
      .catch((err) => log.warn({ err: errorMessage(err) }, 'retention run failed; trying again next time'));
  const firstRetention = setTimeout(retain, 60_000);
  const retentionTimer = setInterval(retain, config.retention.everyMs);
  firstRetention.unref();
  retentionTimer.unref();
  return {
    processor,
    detectors,
    health,
    async stop() {
      clearTimeout(firstRetention);
      clearInterval(retentionTimer);
      await health?.close();
      await healthReport.close();
      await processor.stop();
      await producer.disconnect();
      await clickhouse.close();
    },
  };
}
