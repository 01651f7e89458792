// Starts a stream processor: migrations → Kafka consumer → ClickHouse.
import { Partitioners } from 'kafkajs';
import type { Config } from '../common/config.ts';
import { createKafka, ensureTopics, topicSettings } from '../common/kafka.ts';
import type { Logger } from '../common/log.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { BatchWriter } from './batch-writer.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { migrateSchema } from '../clickhouse/migration-leader.ts';
import { applyRetention } from '../clickhouse/retention.ts';
import { errorMessage } from '../common/errors.ts';
import { DETECTORS, DetectorRunner } from './detectors/index.ts';
import { StreamProcessor } from './processor.ts';

export { migrate } from '../clickhouse/migrate.ts';

export interface RunningStream {
  processor: StreamProcessor;
  detectors: DetectorRunner;
  writer: BatchWriter;
  stop(): Promise<void>;
}

export async function startStream(config: Config, log: Logger): Promise<RunningStream> {
  const clickhouse = createClickHouse(config.clickhouse);
  await migrateSchema(clickhouse, config, log);
  const kafka = createKafka(config.kafka, log);
  await ensureTopics(kafka, [...SAMPLE_TOPICS, TOPICS.deadLetter, TOPICS.alerts], topicSettings(config.kafka));
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const writer = new BatchWriter(clickhouse, config.clickhouse.database, log, config.stream);
  const detectors = new DetectorRunner(
    DETECTORS,
    config.detectors,
    producer,
    clickhouse,
    config.clickhouse.database,
    log,
  );
  await detectors.load();
  const processor = new StreamProcessor(
    kafka,
    producer,
    clickhouse,
    writer,
    log,
    {
      groupId: config.stream.groupId,
      database: config.clickhouse.database,
      maxUnstoredMessages: 2 * config.stream.flushMessages,
      // Longer than a flush normally takes (linger + insert), so a previous owner's last flush lands first.
      rebalanceGraceMs: config.stream.lingerMs + 3000,
    },
    detectors,
  );
  await processor.start();
  log.info({ groupId: config.stream.groupId }, 'stream processor started');
  // Retention: a minute after start, then every retention.everyMs.
  const retain = () =>
    applyRetention(clickhouse, config.clickhouse.database, config.retention)
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
    writer,
    async stop() {
      clearTimeout(firstRetention);
      clearInterval(retentionTimer);
      await processor.stop();
      await writer.stop();
      await producer.disconnect();
      await clickhouse.close();
    },
  };
}
