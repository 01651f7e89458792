// Sends unusable messages to the dead-letter topic with the reason, so nothing is
// silently lost and the processor keeps going.
import type { Producer } from 'kafkajs';
import { TOPICS, type DeadLetterV1 } from '../contracts/index.ts';

const MAX_VALUE_CHARS = 64 * 1024;
const MAX_REASON_CHARS = 4 * 1024;
/**
 * Bytes of dead letters per send. A broker refuses a record batch above its
 * message.max.bytes (1 MB by default), and kafkajs puts every message of a send for one
 * partition in one batch: a flush with many refused messages must go in several sends, or
 * the send fails for ever and the processor with it.
 */
const MAX_SEND_BYTES = 512 * 1024;

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
    reason: reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason,
    value: value.length > MAX_VALUE_CHARS ? value.slice(0, MAX_VALUE_CHARS) : value,
  };
}

export async function sendDeadLetters(producer: Producer, letters: readonly DeadLetterV1[]): Promise<void> {
  for (const messages of chunksBySize(letters.map((l) => ({ key: l.source.key, value: JSON.stringify(l) }))))
    await producer.send({ topic: TOPICS.deadLetter, acks: -1, messages });
}

/** Consecutive runs of messages of at most MAX_SEND_BYTES each (a larger single message goes alone). */
export function chunksBySize<M extends { value: string }>(messages: readonly M[], maxBytes = MAX_SEND_BYTES): M[][] {
  const chunks: M[][] = [];
  let chunk: M[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = Buffer.byteLength(m.value);
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
