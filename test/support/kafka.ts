import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners } from 'kafkajs';
import { createKafka, ensureTopics } from '../../common/kafka.ts';
import { retry } from '../../common/retry.ts';
import { type DeadLetterV1, SAMPLE_TOPICS, TOPICS } from '../../contracts/index.ts';
import type { Config } from '../../common/config.ts';
import { eventually, quietLog, uniqueName } from './pipeline.ts';

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
function retriable<T>(fn: () => Promise<T>): Promise<T> {
  return retry(fn, {
    backoff: { initialMs: 250, maxMs: 2000, jitter: 0 },
    maxAttempts: 20,
    retryIf: (err) => (err as { retriable?: boolean }).retriable === true,
  });
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
  // The processor also reads the older topology topic (still consumed while it drains).
  const all = topics.includes(TOPICS.topology) ? [...topics, TOPICS.topologyV1] : topics;
  await startGroupsAt(config, groupIds, await topicEnds(config, all));
}

export type TopicOffsets = Array<{ topic: string; partition: number; offset: string }>;

/** The current end of every partition of `topics` (creating redscope's topics if needed). */
export async function topicEnds(config: Config, topics: readonly string[]): Promise<TopicOffsets> {
  const kafka = createKafka(config.kafka, quietLog);
  await ensureTopics(kafka, topics, config.kafka.topicPartitions);
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (
      await Promise.all(
        topics.map(async (topic) =>
          (
            await retriable(() => admin.fetchTopicOffsets(topic))
          ).map((p) => ({
            topic,
            partition: p.partition,
            offset: p.high,
          })),
        ),
      )
    ).flat();
  } finally {
    await admin.disconnect();
  }
}

/** Sets new consumer groups to start at `offsets`: one member joins each group and commits them (admin.setOffsets takes ~5 s per topic). */
export async function startGroupsAt(config: Config, groupIds: readonly string[], offsets: TopicOffsets): Promise<void> {
  const kafka = createKafka(config.kafka, quietLog);
  const topics = [...new Set(offsets.map((o) => o.topic))];
  for (const groupId of groupIds) {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: false });
      await new Promise<void>((resolve, reject) => {
        // Not at GROUP_JOIN: kafkajs drops a commit made before its runner is running.
        let done = false;
        consumer.on(consumer.events.FETCH_START, () => {
          if (done) return;
          done = true;
          consumer.commitOffsets(offsets).then(resolve, reject);
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

/**
 * Dead letters whose source key starts with `keyPrefix`, read from the start of the topic
 * until `want` are there; then `settleMs` more, so one too many would show.
 */
export async function readDeadLetters(
  config: Config,
  keyPrefix: string,
  want: number,
  settleMs = 0,
): Promise<DeadLetterV1[]> {
  const consumer = createKafka(config.kafka, quietLog).consumer({ groupId: uniqueName('dlq-reader') });
  const found: DeadLetterV1[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.deadLetter, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const letter = JSON.parse(message.value!.toString()) as DeadLetterV1;
      if (letter.source.key?.startsWith(keyPrefix)) found.push(letter);
    },
  });
  try {
    await eventually(
      async () => found.length,
      (n) => n >= want,
      { what: `${want} dead letters`, timeoutMs: 30_000 },
    );
    if (settleMs > 0) await sleep(settleMs);
    return found;
  } finally {
    await consumer.disconnect();
  }
}
