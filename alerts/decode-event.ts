// Alert events as they come off Kafka: parsed and validated, or a dead letter with the
// reason (one bad message is counted and set aside; the manager keeps going).
import { AlertEventV1, validator, type DeadLetterV1, type Validation } from '../contracts/index.ts';

const checkEvent = validator(AlertEventV1);
const MAX_DEAD_LETTER_VALUE_CHARS = 64 * 1024;

export function decodeAlertEvent(value: Buffer | null): Validation<AlertEventV1> {
  if (!value || value.length === 0) return { ok: false, reason: 'empty message value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  return checkEvent(parsed);
}

export function deadLetter(
  topic: string,
  partition: number,
  m: { offset: string; key: Buffer | null; value: Buffer | null },
  reason: string,
): DeadLetterV1 {
  return {
    v: 1,
    kind: 'dead-letter',
    ts: Date.now(),
    source: { topic, partition, offset: m.offset, key: m.key?.toString('utf8') ?? null },
    reason,
    value: (m.value?.toString('utf8') ?? '').slice(0, MAX_DEAD_LETTER_VALUE_CHARS),
  };
}
