// For detectors: put alert events on TOPICS.alerts, keyed by fingerprint so that every
// event of one alert lands in one partition, in order, and is judged by one manager.
import type { Producer } from 'kafkajs';
import { AlertEventV1, TOPICS, validator } from '../contracts/index.ts';

export class AlertEventError extends Error {
  override name = 'AlertEventError';
}

const checkEvent = validator(AlertEventV1);

/** Validates every event first (a detector bug fails here, naming the fingerprint), then produces them with acks=all. */
export async function publishAlertEvents(producer: Producer, events: readonly AlertEventV1[]): Promise<void> {
  if (events.length === 0) return;
  for (const e of events) {
    const checked = checkEvent(e);
    if (!checked.ok)
      throw new AlertEventError(
        `alert event ${JSON.stringify((e as { fingerprint?: unknown }).fingerprint)} does not match AlertEventV1: ${checked.reason}`,
      );
  }
  await producer.send({
    topic: TOPICS.alerts,
    acks: -1,
    messages: events.map((e) => ({ key: e.fingerprint, value: JSON.stringify(e) })),
  });
}
