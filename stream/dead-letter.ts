// Sends unusable messages to the dead-letter topic with the reason, so nothing is
// silently lost and the processor keeps going.
import type { Producer } from 'kafkajs';
import { TOPICS, type DeadLetterV1 } from '../contracts/index.ts';

const MAX_VALUE_CHARS = 64 * 1024;

export function deadLetter(
  src: { topic: string; partition: number; offset: string; key: Buffer | null; value: Buffer | null },
  reason: string,
): DeadLetterV1 {
  const value = src.value?.toString('utf8') ?? '';
  return {
    v: 1,
    kind: 'dead-letter',
    ts: Date.now(),
    source: { topic: src.topic, partition: src.partition, offset: src.offset, key: src.key?.toString('utf8') ?? null },
    reason,
    value: value.length > MAX_VALUE_CHARS ? value.slice(0, MAX_VALUE_CHARS) : value,
  };
}

export async function sendDeadLetters(producer: Producer, letters: readonly DeadLetterV1[]): Promise<void> {
  if (letters.length === 0) return;
  await producer.send({
    topic: TOPICS.deadLetter,
    acks: -1,
    messages: letters.map((l) => ({ key: l.source.key, value: JSON.stringify(l) })),
  });
}
