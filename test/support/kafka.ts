import { Partitioners } from 'kafkajs';
import { createKafka, ensureTopics } from '../../common/kafka.ts';
import { SAMPLE_TOPICS, TOPICS } from '../../contracts/index.ts';
import type { Config } from '../../common/config.ts';
import { quietLog } from './pipeline.ts';

/** Produces raw values to a topic (keys given), creating redscope's topics if needed. */
export async function produceRaw(config: Config, topic: string, messages: Array<{ key: string; value: string }>): Promise<void> {
  const kafka = createKafka(config.kafka, quietLog);
  await ensureTopics(kafka, [...SAMPLE_TOPICS, TOPICS.deadLetter], config.kafka.topicPartitions);
  // Idempotent, so a send retried on a freshly started broker is not written twice.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
  } finally {
    await producer.disconnect();
  }
}
