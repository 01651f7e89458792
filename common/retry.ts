// Retrying with exponential backoff, written once for every stage: the collector's Kafka
// sink, the processor's exactly-once inserts and its Kafka sends, the alert manager's writes
// and chat delivery. Each caller states its own backoff and give-up conditions; the loop,
// the delays and the waiting (Node's timer promises, abortable) live here.
//
// Decisions, named so a reader can find them:
//  - DOUBLING: each retry waits `factor` (2) times the previous one, from initialMs up to
//    maxMs. Fast for a blip, patient for an outage, never a tight loop against a server
//    that is down.
//  - JITTER: ±20 % by default, so many clients waiting on the same recovering server do
//    not all come back in the same instant. Callers whose delays must be exact pass 0.
//  - SERVER_KNOWS_BEST: an attempt may say how long the server asked to wait (HTTP
//    Retry-After); the longer of that and the backoff is used, still capped at maxMs.
//  - FAIL_LOUD_THEN_QUIET: `worthLogging` is true for the first failure and every 10th,
//    so an hour-long outage logs a few hundred lines, not one per retry.
//  - GIVE_UP only when the caller says so: a `signal` aborts (AbortedError, also while
//    waiting), `stopWhen()` turns true (the last error is thrown), `maxAttempts` is reached,
//    or `retryIf` says an error is not worth retrying. Without those it retries for ever:
//    the data it guards (samples, rows, alerts) is worth more than a thread of control.
import { setTimeout as wait } from 'node:timers/promises';
import { errorMessage } from './errors.ts';

export interface Backoff {
  /** Wait before the first retry. */
  initialMs: number;
  /** Longest wait between two attempts. */
  maxMs: number;
  /** Growth per retry (default 2: DOUBLING). */
  factor?: number;
  /** Relative spread of each wait, 0..1 (default 0.2: JITTER). */
  jitter?: number;
}

const DEFAULT_FACTOR = 2;
const DEFAULT_JITTER = 0.2;
/** FAIL_LOUD_THEN_QUIET: the first failure and every LOG_EVERY-th one are logged. */
const LOG_EVERY = 10;

/** Delay before retry number `retry` (1 = the first retry). */
export function backoffMs(retry: number, backoff: Backoff, random: () => number = Math.random): number {
  const factor = backoff.factor ?? DEFAULT_FACTOR;
  const jitter = backoff.jitter ?? DEFAULT_JITTER;
  // The exponent is bounded only so the product stays finite; maxMs is the real cap.
  const base = Math.min(backoff.maxMs, backoff.initialMs * factor ** Math.min(60, Math.max(0, retry - 1)));
  return Math.round(base * (1 - jitter + 2 * jitter * random()));
}

/** FAIL_LOUD_THEN_QUIET: whether failure number `attempt` deserves a log line. */
export function worthLogging(attempt: number): boolean {
  return attempt === 1 || attempt % LOG_EVERY === 0;
}

export class AbortedError extends Error {
  override name = 'AbortedError';
}

/** Given up after `attempts`: maxAttempts reached, or stopWhen() turned true. */
export class RetriesExhaustedError extends Error {
  override name = 'RetriesExhaustedError';
  constructor(
    readonly attempts: number,
    readonly lastReason: string,
    /** What the last attempt threw, if it threw. */
    readonly lastError?: unknown,
  ) {
    super(`gave up after ${attempts} attempts: ${lastReason}`);
  }
}

/** One attempt's result: done with a value, or not done (and why). */
export type AttemptResult<T> =
  | { done: true; value: T }
  | { done: false; reason: string; error?: unknown; retryAfterMs?: number };

export interface RetryInfo {
  /** The attempt that just failed (1 = the first). */
  attempt: number;
  reason: string;
  error?: unknown;
  /** How long the loop now waits. */
  delayMs: number;
  /** FAIL_LOUD_THEN_QUIET: log this one. */
  worthLogging: boolean;
}

export interface RetryOptions {
  backoff: Backoff;
  /** Aborting stops the loop at once, waiting or not: AbortedError. */
  signal?: AbortSignal;
  /** Give up after this many attempts (default: never). */
  maxAttempts?: number;
  /** Asked after each failed attempt: true gives up (the process is stopping). */
  stopWhen?: () => boolean;
  /** Called with every failed attempt, the last one too (health: last error). */
  onFailure?: (failure: { attempt: number; reason: string; error?: unknown }) => void;
  /** Called before each wait: log (see `worthLogging`), heartbeat Kafka. */
  onRetry?: (info: RetryInfo) => void;
}

/**
 * Calls `attempt` until it reports done, waiting the backoff between attempts. An attempt
 * that throws ends the loop with that error (use `retry` to retry thrown errors). Rejects
 * with AbortedError on abort, RetriesExhaustedError on maxAttempts or stopWhen.
 */
export async function retryUntilDone<T>(
  attempt: (n: number) => Promise<AttemptResult<T>>,
  opts: RetryOptions,
): Promise<{ value: T; attempts: number }> {
  for (let n = 1; ; n++) {
    if (opts.signal?.aborted) throw new AbortedError('aborted');
    const result = await attempt(n);
    if (result.done) return { value: result.value, attempts: n };
    opts.onFailure?.({ attempt: n, reason: result.reason, error: result.error });
    if ((opts.maxAttempts !== undefined && n >= opts.maxAttempts) || opts.stopWhen?.())
      throw new RetriesExhaustedError(n, result.reason, result.error);
    const delayMs = Math.min(opts.backoff.maxMs, Math.max(backoffMs(n, opts.backoff), result.retryAfterMs ?? 0));
    opts.onRetry?.({ attempt: n, reason: result.reason, error: result.error, delayMs, worthLogging: worthLogging(n) });
    await pause(delayMs, opts.signal);
  }
}

export interface RetryThrownOptions extends RetryOptions {
  /** Whether a thrown error is worth another attempt (default: every error is). */
  retryIf?: (err: unknown) => boolean;
}

/**
 * Runs `work` until it does not throw. When the loop gives up (retryIf false, maxAttempts,
 * stopWhen) the caller gets the error the last attempt threw; on abort, AbortedError.
 */
export async function retry<T>(work: (attempt: number) => Promise<T>, opts: RetryThrownOptions): Promise<T> {
  try {
    const { value } = await retryUntilDone<T>(async (n) => {
      try {
        return { done: true, value: await work(n) };
      } catch (err) {
        if (opts.retryIf && !opts.retryIf(err)) throw err;
        return { done: false, reason: errorMessage(err), error: err };
      }
    }, opts);
    return value;
  } catch (err) {
    throw err instanceof RetriesExhaustedError ? err.lastError : err;
  }
}

/** Waits `ms`; AbortedError as soon as `signal` aborts. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await wait(ms, undefined, signal ? { signal } : undefined);
  } catch (err) {
    if (signal?.aborted) throw new AbortedError('aborted');
    throw err;
  }
}
