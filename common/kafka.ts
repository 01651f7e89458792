// Kafka client construction and topic setup shared by the collector and the stream processor.
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';

/**
 * `retry` replaces the default (8 retries, backoff growing to ~25 s), which also governs
 * (re)connecting: a client that runs its own backoff loop — the collector's sink — passes a
 * short chain so it notices a returning broker within seconds.
 */
export function createKafka(config: Config['kafka'], log: Logger, retry: { initialRetryTime: number; retries: number; maxRetryTime?: number } = { initialRetryTime: 200, retries: 8 }): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    // kafkajs logs every retry at ERROR; WARN and above through our logger is enough.
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      const fields = { kafka: namespace, broker: rest.broker, error: rest.error };
      if (level <= logLevel.ERROR) log.error(fields, message);
      else log.warn(fields, message);
    },
    retry,
  });
}

/** Creates the topics if missing. Safe to call from every process at start. */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })) });
    }
  } finally {
    await admin.disconnect();
  }
}
