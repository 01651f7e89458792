import { describe, expect, it } from 'vitest';
import { LatencyGuard, RateLimiter } from './pacing.ts';

describe('RateLimiter', () => {
  it('spaces batches so keys per second match the limit', () => {
    const limiter = new RateLimiter(1000);
    expect(limiter.waitAfter(100, 0)).toBe(100);
    // The next batch went out on time: 100 more keys are due 100 ms after the previous slot.
    expect(limiter.waitAfter(100, 100)).toBe(100);
    // A batch that came back late only waits for what is still owed.
    expect(limiter.waitAfter(100, 250)).toBe(50);
  });

  it('does not wait at all when unlimited', () => {
    expect(new RateLimiter(0).waitAfter(1_000_000, 0)).toBe(0);
  });

  it('slows down by the guard factor', () => {
    expect(new RateLimiter(1000).waitAfter(100, 0, 0.5)).toBe(200);
  });

  it('forgets debt older than a second instead of bursting after a stall', () => {
    const limiter = new RateLimiter(1000);
    limiter.waitAfter(100, 0);
    expect(limiter.waitAfter(100, 10_000)).toBe(100);
  });
});

describe('LatencyGuard', () => {
  const guard = () => {
    const g = new LatencyGuard({ multiple: 3, minThresholdMs: 1, pauseMs: 500 });
    g.setBaseline([0.5, 0.4, 9, 0.6, 0.5]);
    return g;
  };

  it('takes the median of the baseline probes and multiplies it', () => {
    const g = guard();
    expect(g.thresholdMs).toBe(1.5);
  });

  it('never goes below the minimum threshold', () => {
    const g = new LatencyGuard({ multiple: 3, minThresholdMs: 1, pauseMs: 500 });
    g.setBaseline([0.1, 0.1, 0.1]);
    expect(g.thresholdMs).toBe(1);
  });

  it('keeps full speed while probes stay under the threshold', () => {
    const g = guard();
    expect(g.observe(1.4)).toEqual({ action: 'continue', factor: 1 });
  });

  it('ignores a single slow probe: the median of the last five is judged', () => {
    const g = guard();
    for (const rtt of [0.5, 0.5, 20, 0.5, 0.5]) expect(g.observe(rtt)).toEqual({ action: 'continue', factor: 1 });
  });

  it('halves the rate while the median is slow and pauses after three slow medians in a row', () => {
    const g = guard();
    // The median turns slow on the first probe where most of the window is slow.
    expect(g.observe(2)).toEqual({ action: 'continue', factor: 0.5 });
    expect(g.observe(2)).toEqual({ action: 'continue', factor: 0.25 });
    expect(g.observe(2)).toEqual({ action: 'pause', factor: 0.125, pauseMs: 500 });
    // After a pause the window starts empty and the count starts over.
    expect(g.observe(2)).toEqual({ action: 'continue', factor: 0.0625 });
  });

  it('recovers gradually once probes are fast again', () => {
    const g = guard();
    g.observe(5);
    expect(g.factor).toBe(0.5);
    // Recovery starts once most of the window is fast: [5, 0.5] is still slow (upper median).
    expect(g.observe(0.5).factor).toBe(0.25);
    expect(g.observe(0.5).factor).toBe(0.3125);
    for (let i = 0; i < 10; i++) g.observe(0.5);
    expect(g.factor).toBe(1);
  });

  it('does not slow below 5 %', () => {
    const g = guard();
    for (let i = 0; i < 20; i++) g.observe(100);
    expect(g.factor).toBe(0.05);
  });
});
