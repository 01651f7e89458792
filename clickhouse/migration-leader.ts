// One migration leader among the processes that start at once (every processor, the
// alert manager, `redscope migrate`): the member of a Kafka consumer group that is given
// the single partition of a lock topic runs the migrations; the others wait for it to
// leave the group and then find nothing left to do. Kafka is already the coordinator of
// every redscope process, so no lock service of our own is added. With ON CLUSTER DDL
// this matters: a statement run by several processes at once is queued once per process
// on every server, and a data migration (INSERT … SELECT) would run twice.
import type { Config } from '../common/config.ts';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { createKafka, ensureTopics, topicSettings } from '../common/kafka.ts';
import type { Logger } from '../common/log.ts';
import { migrate, type MigrateOptions, type MigrateResult } from './migrate.ts';

/** Carries no messages: its one partition is the lock. */
export const MIGRATION_LOCK_TOPIC = 'redscope.migration-lock';
const WAIT_LOG_EVERY_MS = 30_000;

export function kafkaMigrationLeader(config: Config, log: Logger): NonNullable<MigrateOptions['leader']> {
  return async <T>(work: () => Promise<T>): Promise<T> => {
    const kafka = createKafka(config.kafka, log);
    await ensureTopics(kafka, [MIGRATION_LOCK_TOPIC], { ...topicSettings(config.kafka), partitions: 1 });
    const consumer = kafka.consumer({
      groupId: `${config.stream.groupId}-migrations`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 500,
    });
    let becameLeader!: () => void;
    const leader = new Promise<void>((resolve) => (becameLeader = resolve));
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      if ((e.payload.memberAssignment[MIGRATION_LOCK_TOPIC] ?? []).length > 0) becameLeader();
    });
    const started = Date.now();
    const waiting = setInterval(
      () => log.info({ waitedMs: Date.now() - started }, 'waiting for the migration leader to finish'),
      WAIT_LOG_EVERY_MS,
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [MIGRATION_LOCK_TOPIC], fromBeginning: false });
      await consumer.run({ eachMessage: async () => {} });
      await leader;
      clearInterval(waiting);
      return await work();
    } finally {
      clearInterval(waiting);
      await consumer.disconnect();
    }
  };
}

/** Migrations as every redscope process runs them at start: for the configured target, one leader at a time. */
export async function migrateSchema(
  client: ClickHouseClient,
  config: Config,
  log: Logger,
  opts: Pick<MigrateOptions, 'acceptEdited'> = {},
): Promise<MigrateResult> {
  const result = await migrate(client, config.clickhouse.database, {
    cluster: config.clickhouse.cluster,
    leader: kafkaMigrationLeader(config, log),
    log: (message) => log.info(message),
    ...opts,
  });
  if (result.applied.length > 0 || result.derived.length > 0)
    log.info({ applied: result.applied, derived: result.derived }, 'ClickHouse schema migrated');
  if (result.backfilled.length > 0)
    log.info({ versions: result.backfilled }, 'checksums recorded for migrations applied by an earlier release');
  return result;
}
