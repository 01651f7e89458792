// Kafka message bytes → a validated message, or the reason it is unusable.
// Nothing here throws: a poison message becomes a dead letter, never a crash.
import { errorMessage } from '../common/errors.ts';
import type { TopicHandler } from './handlers.ts';

export type Decoded = { ok: true; message: unknown } | { ok: false; reason: string };

export function decode(handler: TopicHandler, value: Buffer | null): Decoded {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${errorMessage(err)}` };
  }
  const checked = handler.validate(parsed);
  if (!checked.ok) return { ok: false, reason: `does not match ${handler.topic}: ${checked.reason}` };
  return { ok: true, message: checked.value };
}
