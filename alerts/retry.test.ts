import { describe, expect, it } from 'vitest';
import { AbortedError, backoffMs, retry, RetriesExhaustedError } from './retry.ts';

describe('retry with backoff', () => {
  it('doubles from initialMs up to maxMs, within ±20 % jitter', () => {
    const policy = { initialMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 50].map((n) => backoffMs(n, policy, () => 0.5))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffMs(1, policy, () => 0)).toBe(80);
    expect(backoffMs(1, policy, () => 1)).toBe(120);
  });

  it('retries until the attempt is done and reports how many it took', async () => {
    const reasons: string[] = [];
    const result = await retry(
      async (n) => (n < 3 ? { done: false, reason: `down ${n}` } : { done: true, value: 'sent' }),
      {
        policy: { initialMs: 1, maxMs: 2 },
        onRetry: (i) => reasons.push(i.reason),
      },
    );
    expect(result).toEqual({ value: 'sent', attempts: 3 });
    expect(reasons).toEqual(['down 1', 'down 2']);
  });

  it('a server Retry-After longer than the backoff is honoured, capped at maxMs', async () => {
    const delays: number[] = [];
    await retry(
      async (n) => (n === 1 ? { done: false, reason: '429', retryAfterMs: 60_000 } : { done: true, value: 1 }),
      {
        policy: { initialMs: 1, maxMs: 5 },
        onRetry: (i) => delays.push(i.delayMs),
      },
    );
    expect(delays).toEqual([5]);
  });

  it('gives up after maxAttempts with the last reason', async () => {
    await expect(
      retry(async () => ({ done: false, reason: 'HTTP 503' }), { policy: { initialMs: 1, maxMs: 1 }, maxAttempts: 2 }),
    ).rejects.toThrow(RetriesExhaustedError);
  });

  it('stops waiting as soon as it is aborted', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const p = retry(async () => ({ done: false, reason: 'down' }), {
      policy: { initialMs: 60_000, maxMs: 60_000 },
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 20);
    await expect(p).rejects.toThrow(AbortedError);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
