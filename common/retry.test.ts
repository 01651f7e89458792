import { describe, expect, it } from 'vitest';
import { AbortedError, backoffMs, retry, retryUntilDone, RetriesExhaustedError, worthLogging } from './retry.ts';

const fast = { initialMs: 1, maxMs: 2 };

describe('retry with backoff (common/retry.ts)', () => {
  it('DOUBLING: doubles from initialMs up to maxMs, within ±20 % JITTER by default', () => {
    const backoff = { initialMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 50].map((n) => backoffMs(n, backoff, () => 0.5))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffMs(1, backoff, () => 0)).toBe(80);
    expect(backoffMs(1, backoff, () => 1)).toBe(120);
    expect(backoffMs(10_000, backoff, () => 0.5)).toBe(1000);
  });

  it('jitter 0 gives exact delays; another factor grows by it', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, { initialMs: 250, maxMs: 5000, jitter: 0 }, () => 0))).toEqual(
      [250, 500, 1000, 2000, 4000, 5000, 5000],
    );
    expect([1, 2, 3].map((n) => backoffMs(n, { initialMs: 10, maxMs: 1000, factor: 3, jitter: 0 }))).toEqual([
      10, 30, 90,
    ]);
  });

  it('FAIL_LOUD_THEN_QUIET: the first failure and every 10th are worth a log line', () => {
    const logged = Array.from({ length: 30 }, (_, i) => i + 1).filter(worthLogging);
    expect(logged).toEqual([1, 10, 20, 30]);
  });

  it('retries until the attempt is done and reports how many it took', async () => {
    const reasons: string[] = [];
    const result = await retryUntilDone(
      async (n) => (n < 3 ? { done: false, reason: `down ${n}` } : { done: true, value: 'sent' }),
      { backoff: fast, onRetry: (i) => reasons.push(i.reason) },
    );
    expect(result).toEqual({ value: 'sent', attempts: 3 });
    expect(reasons).toEqual(['down 1', 'down 2']);
  });

  it('SERVER_KNOWS_BEST: a Retry-After longer than the backoff is honoured, capped at maxMs', async () => {
    const delays: number[] = [];
    await retryUntilDone(
      async (n) => (n === 1 ? { done: false, reason: '429', retryAfterMs: 60_000 } : { done: true, value: 1 }),
      { backoff: { initialMs: 1, maxMs: 5 }, onRetry: (i) => delays.push(i.delayMs) },
    );
    expect(delays).toEqual([5]);
  });

  it('GIVE_UP: after maxAttempts with the last reason', async () => {
    const p = retryUntilDone(async () => ({ done: false, reason: 'HTTP 503' }), { backoff: fast, maxAttempts: 2 });
    await expect(p).rejects.toThrow(RetriesExhaustedError);
    await expect(p).rejects.toMatchObject({ attempts: 2, lastReason: 'HTTP 503' });
  });

  it('GIVE_UP: as soon as it is aborted, even mid-wait', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const p = retryUntilDone(async () => ({ done: false, reason: 'down' }), {
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 20);
    await expect(p).rejects.toThrow(AbortedError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('retry(): thrown errors are retried until the work succeeds', async () => {
    const seen: Array<{ attempt: number; reason: string }> = [];
    const value = await retry(
      async (n) => {
        if (n < 3) throw new Error(`refused ${n}`);
        return 'stored';
      },
      { backoff: fast, onRetry: (i) => seen.push({ attempt: i.attempt, reason: i.reason }) },
    );
    expect(value).toBe('stored');
    expect(seen).toEqual([
      { attempt: 1, reason: 'refused 1' },
      { attempt: 2, reason: 'refused 2' },
    ]);
  });

  it('retry(): an error retryIf rejects is thrown at once, unchanged', async () => {
    let calls = 0;
    const fatal = new TypeError('bad rows');
    await expect(
      retry(
        async () => {
          calls++;
          throw fatal;
        },
        { backoff: fast, retryIf: (err) => !(err instanceof TypeError) },
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });

  it('retry(): stopWhen gives up after the failed attempt with that attempt’s error, without waiting', async () => {
    let stopping = false;
    let calls = 0;
    const started = Date.now();
    const p = retry(
      async () => {
        calls++;
        if (calls === 2) stopping = true;
        throw new Error(`down ${calls}`);
      },
      { backoff: { initialMs: 10, maxMs: 10 }, stopWhen: () => stopping },
    );
    await expect(p).rejects.toThrow('down 2');
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('onFailure hears every failed attempt, the one that gives up too; onRetry only those followed by a wait', async () => {
    const failures: number[] = [];
    const retries: number[] = [];
    await expect(
      retry(
        async (n) => {
          throw new Error(`down ${n}`);
        },
        {
          backoff: fast,
          maxAttempts: 3,
          onFailure: (f) => failures.push(f.attempt),
          onRetry: (i) => retries.push(i.attempt),
        },
      ),
    ).rejects.toThrow('down 3');
    expect(failures).toEqual([1, 2, 3]);
    expect(retries).toEqual([1, 2]);
  });

  it('retry(): maxAttempts rethrows the last error', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          throw new Error(`down ${++calls}`);
        },
        { backoff: fast, maxAttempts: 3 },
      ),
    ).rejects.toThrow('down 3');
  });
});
