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
 * One short-lived member per group commits every partition's end at once (kafkajs's
 * admin.setOffsets runs a consumer per topic: ~5 s each).
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
  let ends: Array<{ topic: string; partition: number; offset: string }>;
  try {
    ends = (
      await Promise.all(
        topics.map(async (topic) =>
          (
            await retriable(() => admin.fetchTopicOffsets(topic))
          ).map((p) => ({ topic, partition: p.partition, offset: p.high })),
        ),
      )
    ).flat();
  } finally {
    await admin.disconnect();
  }
  for (const groupId of groupIds) {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [...topics], fromBeginning: false });
      await new Promise<void>((resolve, reject) => {
        // Not at GROUP_JOIN: kafkajs drops a commit made before its runner is running.
        let done = false;
        consumer.on(consumer.events.FETCH_START, () => {
          if (done) return;
          done = true;
          consumer.commitOffsets(ends).then(resolve, reject);
        });
        consumer.run({ autoCommit: false, eachMessage: async () => {} }).catch(reject);
        // It only commits: nothing is fetched meanwhile.
        consumer.pause(topics.map((topic) => ({ topic })));
      });
    } finally {
      await consumer.disconnect();
    }
  }
}
