// Starts a stream processor: migrations → Kafka consumer → ClickHouse.
import { Partitioners } from 'kafkajs';
import type { Config } from '../common/config.ts';
import { createKafka, ensureTopics, topicSettings } from '../common/kafka.ts';
import type { Logger } from '../common/log.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import { clickhouseCredentials, clickhouseErrorCode, createClickHouse } from '../common/clickhouse.ts';
import { applyRetention } from '../clickhouse/retention.ts';
import { prepareSchema } from '../clickhouse/schema-check.ts';
import { errorMessage } from '../common/errors.ts';
import { startHealthServer } from '../common/health-server.ts';
import { DETECTORS, DetectorRunner } from './detectors/index.ts';
import { StreamProcessor } from './processor.ts';
import { processorHealth } from './health.ts';

export { migrate } from '../clickhouse/migrate.ts';

/** ClickHouse refused a DDL statement: the user is readonly or has allow_ddl = 0. */
const isDdlRefused = (err: unknown) => ['392', '164'].includes(clickhouseErrorCode(err) ?? '');

export interface RunningStream {
  processor: StreamProcessor;
  detectors: DetectorRunner;
  health: { url: string } | null;
  stop(): Promise<void>;
}

export async function startStream(config: Config, log: Logger): Promise<RunningStream> {
  // Inserts and detector state as the writer; migrations and retention (DDL) as the migrator.
  const clickhouse = createClickHouse(config.clickhouse, { role: 'writer' });
  const migrator = createClickHouse(config.clickhouse, { role: 'migrator' });
  await prepareSchema(config, log, clickhouse, () => createClickHouse(config.clickhouse, { role: 'migrator' }));
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
      // Reads every server's watermarks and running inserts (remote()) as the writer.
      credentials: clickhouseCredentials(config.clickhouse, 'writer'),
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
  detectors.startTicking();
  log.info(
    { groupId: config.stream.groupId, processor: processor.id, health: health?.url },
    'stream processor started',
  );
  // Retention: a minute after start, then every retention.everyMs.
  const retain = () =>
    applyRetention(migrator, config.clickhouse.database, config.retention, { cluster: config.clickhouse.cluster })
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
    health,
    async stop() {
      clearTimeout(firstRetention);
      clearInterval(retentionTimer);
      await health?.close();
      await healthReport.close();
      detectors.stopTicking();
      await processor.stop();
      detectors.stopPublishing();
      await producer.disconnect();
      await clickhouse.close();
      await migrator.close();
    },
  };
}
