// Starts a stream processor: migrations → Kafka consumer → ClickHouse.
import { Partitioners } from 'kafkajs';
import type { Config } from '../common/config.ts';
import { createKafka, ensureTopics, topicSettings } from '../common/kafka.ts';
import type { Logger } from '../common/log.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { BatchWriter } from './batch-writer.ts';
import { clickhouseErrorCode, createClickHouse } from '../common/clickhouse.ts';
import { applyRetention } from '../clickhouse/retention.ts';
import { prepareSchema } from '../clickhouse/schema-check.ts';
import { errorMessage } from '../common/errors.ts';
import { DETECTORS, DetectorRunner } from './detectors/index.ts';
import { StreamProcessor } from './processor.ts';

export { migrate } from '../clickhouse/migrate.ts';

/** ClickHouse refused a DDL statement: the user is readonly or has allow_ddl = 0. */
const isDdlRefused = (err: unknown) => ['392', '164'].includes(clickhouseErrorCode(err) ?? '');

export interface RunningStream {
  processor: StreamProcessor;
  detectors: DetectorRunner;
  writer: BatchWriter;
  stop(): Promise<void>;
}

export async function startStream(config: Config, log: Logger): Promise<RunningStream> {
  // Inserts and detector state as the writer; migrations and retention (DDL) as the migrator.
  const clickhouse = createClickHouse(config.clickhouse, { role: 'writer' });
  const migrator = createClickHouse(config.clickhouse, { role: 'migrator' });
  await prepareSchema(config, log, clickhouse, () => createClickHouse(config.clickhouse, { role: 'migrator' }));
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
  detectors.startTicking();
  log.info({ groupId: config.stream.groupId }, 'stream processor started');
  // Retention: a minute after start, then every retention.everyMs.
  const retain = () =>
    applyRetention(migrator, config.clickhouse.database, config.retention)
      .then(
        (dropped) =>
          dropped.length > 0 &&
          log.info({ dropped: dropped.map((p) => `${p.table}/${p.partition}`) }, 'old partitions dropped (retention)'),
      )
      .catch((err) =>
        log.warn(
          {
            err: errorMessage(err),
            ...(isDdlRefused(err) ? { fix: 'retention drops partitions (DDL): set clickhouse.users.migrator' } : {}),
          },
          'retention run failed; trying again next time',
        ),
      );
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
      detectors.stopTicking();
      await processor.stop();
      detectors.stopPublishing();
      await writer.stop();
      await producer.disconnect();
      await clickhouse.close();
      await migrator.close();
    },
  };
}
