import { Partitioners } from 'kafkajs';
import { createKafka, ensureTopics } from '../../common/kafka.ts';
import { SAMPLE_TOPICS, TOPICS } from '../../contracts/index.ts';
import type { Config } from '../../common/config.ts';
import { quietLog } from './pipeline.ts';

/** Produces raw values to a topic (keys given), creating redscope's topics if needed. */
export async function produceRaw(
  config: Config,
  topic: string,
  messages: Array<{ key: string; value: string }>,
): Promise<void> {
  const kafka = createKafka(config.kafka, quietLog);
  await ensureTopics(kafka, [...SAMPLE_TOPICS, TOPICS.deadLetter], config.kafka.topicPartitions);
  // Idempotent, so a send retried on a freshly started broker is not written twice.
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 1000)
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
  } finally {
    await producer.disconnect();
  }
}

/**
 * Right after a topic is created (a fresh stack) its partitions' leaders are still being
 * elected and the broker answers NOT_LEADER_FOR_PARTITION: a retriable kafkajs error.
 */
async function retriable<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 20 || !(err as { retriable?: boolean }).retriable) throw err;
      await new Promise((r) => setTimeout(r, 250 * Math.min(attempt, 8)));
    }
  }
}

/**
 * Sets new consumer groups to start at the current end of the given topics, so a test
 * sees only what happens after it started, not what earlier runs left in shared topics.
 */
export async function startGroupsAtEnd(
  config: Config,
  groupIds: readonly string[],
  topics: readonly string[],
): Promise<void> {
  const kafka = createKafka(config.kafka, quietLog);
  await ensureTopics(kafka, topics, config.kafka.topicPartitions);
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await retriable(() => admin.fetchTopicOffsets(topic));
      for (const groupId of groupIds)
        await admin.setOffsets({
          groupId,
          topic,
          partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
        });
    }
  } finally {
    await admin.disconnect();
  }
}
