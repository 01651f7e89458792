// Sending one outbox message to its receiver until the notifier says ok or fail. No
// Kafka, no ClickHouse: outbox-consumer.ts wraps this with the consumer and the records, the
// `alerts test` command uses it directly, and the secret-leak test runs every notifier
// through it.
import { redactUrl, type Logger } from '../common/log.ts';
import type { NotificationV1 } from '../contracts/index.ts';
import { notifierFor } from './notifiers/index.ts';
import { retryUntilDone, RetriesExhaustedError, type Backoff } from '../common/retry.ts';
import { receiverSecrets, scrub } from './secrets.ts';
import { postOnce, retryAfterMs, SendError } from './send.ts';
import type { ReceiverConfig } from './types.ts';

/** How much of an endpoint's error body goes into logs and records. */
const MAX_REASON_BODY_CHARS = 300;

export interface DeliveryOutcome {
  outcome: 'ok' | 'failed';
  attempts: number;
  /** Last HTTP status; 0 when no response came back. */
  httpStatus: number;
  /** Why it failed (secrets scrubbed); empty when ok. */
  reason: string;
}

export interface DeliverOptions {
  policy: Backoff;
  timeoutMs: number;
  log: Logger;
  signal?: AbortSignal;
  /** Give up (outcome failed) after this many attempts; default never. */
  maxAttempts?: number;
  /** Called while waiting between attempts (Kafka heartbeats). */
  onRetry?: () => void;
  now?: () => number;
}

/** Retries until the receiver answers ok or fail. Rejects only with AbortedError (stop). */
export async function deliver(
  n: NotificationV1,
  receiver: ReceiverConfig,
  opts: DeliverOptions,
): Promise<DeliveryOutcome> {
  const endpoint = redactUrl(receiver.url);
  if (n.receiverType !== receiver.type) {
    return {
      outcome: 'failed',
      attempts: 0,
      httpStatus: 0,
      reason: `rendered for a ${n.receiverType} receiver but ${receiver.name} is now ${receiver.type}`,
    };
  }
  const notifier = notifierFor(receiver.type);
  const secrets = receiverSecrets(receiver);
  const now = opts.now ?? Date.now;
  let httpStatus = 0;
  try {
    const { value, attempts } = await retryUntilDone<DeliveryOutcome>(
      async (attempt) => {
        let res: Awaited<ReturnType<typeof postOnce>>;
        try {
          res = await postOnce(notifier.request(n.payload, receiver, now()), { timeoutMs: opts.timeoutMs, secrets });
        } catch (err) {
          // Network errors (refused, reset, timeout) are an endpoint that is down: retry.
          if (err instanceof SendError) return { done: false, reason: err.message };
          throw err;
        }
        httpStatus = res.status;
        const verdict = notifier.classify(res);
        const reason = `HTTP ${res.status} from ${endpoint}: ${scrub(res.body.slice(0, MAX_REASON_BODY_CHARS), secrets)}`;
        if (verdict === 'ok')
          return { done: true, value: { outcome: 'ok', attempts: attempt, httpStatus, reason: '' } };
        if (verdict === 'fail')
          return { done: true, value: { outcome: 'failed', attempts: attempt, httpStatus, reason } };
        return { done: false, reason, retryAfterMs: retryAfterMs(res) };
      },
      {
        backoff: opts.policy,
        signal: opts.signal,
        maxAttempts: opts.maxAttempts,
        onRetry: ({ attempt, reason, delayMs }) => {
          opts.log.warn(
            { receiver: receiver.name, endpoint, notification: n.id, attempt, retryInMs: delayMs, reason },
            'chat delivery failed; retrying',
          );
          opts.onRetry?.();
        },
      },
    );
    return { ...value, attempts };
  } catch (err) {
    if (err instanceof RetriesExhaustedError)
      return { outcome: 'failed', attempts: err.attempts, httpStatus, reason: err.lastReason };
    throw err;
  }
}

/** The alert_deliveries row for an outcome: endpoint redacted, reason already scrubbed. */
export function deliveryRecord(
  n: NotificationV1,
  receiver: Pick<ReceiverConfig, 'url'> | null,
  o: DeliveryOutcome,
  nowMs: number,
) {
  return {
    ts: Math.floor(nowMs / 1000),
    ts_ms: nowMs,
    id: n.id,
    receiver: n.receiver,
    receiver_type: n.receiverType,
    cluster: n.cluster,
    rule: n.rule,
    fingerprints: n.fingerprints,
    outcome: o.outcome,
    attempts: o.attempts,
    http_status: o.httpStatus,
    reason: o.reason,
    endpoint: receiver ? redactUrl(receiver.url) : '',
  };
}
export type DeliveryRecord = ReturnType<typeof deliveryRecord>;
