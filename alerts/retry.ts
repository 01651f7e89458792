// Retrying with exponential backoff, written once for everything in alerts/: chat
// delivery, and the manager's writes to ClickHouse and Kafka (an outage there delays
// alerts, it must not lose them).

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `retry` (1 = the first retry): initialMs · 2^(retry-1), capped
 * at maxMs, with ±20 % jitter so many waiting senders do not hit a recovering endpoint
 * in the same instant.
 */
export function backoffMs(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(30, Math.max(0, retry - 1)));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export class AbortedError extends Error {
  override name = 'AbortedError';
}

/** Resolves after `ms`, or rejects with AbortedError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export type AttemptResult<T> = { done: true; value: T } | { done: false; reason: string; retryAfterMs?: number };

export interface RetryOptions {
  policy: BackoffPolicy;
  signal?: AbortSignal;
  /** Give up after this many attempts (default: never — until done or aborted). */
  maxAttempts?: number;
  /** Called before each wait: log it, heartbeat Kafka. */
  onRetry?: (info: { attempt: number; reason: string; delayMs: number }) => void;
}

export class RetriesExhaustedError extends Error {
  override name = 'RetriesExhaustedError';
  constructor(
    readonly attempts: number,
    readonly lastReason: string,
  ) {
    super(`gave up after ${attempts} attempts: ${lastReason}`);
  }
}

/**
 * Calls `attempt` until it reports done. Between attempts waits the backoff, or the
 * attempt's `retryAfterMs` (a server's Retry-After) when longer, never beyond maxMs.
 * Rejects with AbortedError on abort and RetriesExhaustedError after maxAttempts.
 */
export async function retry<T>(
  attempt: (n: number) => Promise<AttemptResult<T>>,
  opts: RetryOptions,
): Promise<{ value: T; attempts: number }> {
  for (let n = 1; ; n++) {
    if (opts.signal?.aborted) throw new AbortedError('aborted');
    const result = await attempt(n);
    if (result.done) return { value: result.value, attempts: n };
    if (opts.maxAttempts !== undefined && n >= opts.maxAttempts) throw new RetriesExhaustedError(n, result.reason);
    const delayMs = Math.min(opts.policy.maxMs, Math.max(backoffMs(n, opts.policy), result.retryAfterMs ?? 0));
    opts.onRetry?.({ attempt: n, reason: result.reason, delayMs });
    await sleep(delayMs, opts.signal);
  }
}

/** Runs `fn` until it does not throw (ClickHouse/Kafka writes), with the same backoff. */
export function retryThrowing<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<{ value: T; attempts: number }> {
  return retry<T>(async () => {
    try {
      return { done: true, value: await fn() };
    } catch (err) {
      return { done: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }, opts);
}
