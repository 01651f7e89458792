import { describe, expect, it } from 'vitest';
import {
  PROBE_BUCKET_UPPER_US as BUCKET_BOUNDS_US,
  PROBE_OVERFLOW_LE_US as OVERFLOW_LE_US,
} from '../../../contracts/index.ts';
import { bucketOf, percentile, summarizeProbe } from './histogram.ts';

describe('latency histogram', () => {
  it('has two bounds per power of two, ascending', () => {
    expect(BUCKET_BOUNDS_US.slice(0, 12)).toEqual([1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]);
    for (let i = 1; i < BUCKET_BOUNDS_US.length; i++)
      expect(BUCKET_BOUNDS_US[i]!).toBeGreaterThan(BUCKET_BOUNDS_US[i - 1]!);
    expect(BUCKET_BOUNDS_US.length).toBeLessThanOrEqual(63); // + overflow fits the contract's 64
  });

  it('puts a value in the first bucket whose bound is at or above it', () => {
    expect(bucketOf(0.4)).toBe(1);
    expect(bucketOf(64)).toBe(64);
    expect(bucketOf(65)).toBe(96);
    expect(bucketOf(150.2)).toBe(192);
    expect(bucketOf(1e12)).toBe(OVERFLOW_LE_US);
  });

  it('nearest-rank percentiles: p50 of 1..10 is 5, p90 is 9, p99 and p999 the max', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 90)).toBe(9);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile(sorted, 99.9)).toBe(10);
    expect(percentile([], 50)).toBe(0);
  });

  it('summarizes a probe: count, failures, min/max/mean, percentiles and non-empty buckets', () => {
    const p = summarizeProbe([120, 80, 95, 3000, 101, 99, 110, 85, 90, 100], 1);
    expect(p).toMatchObject({
      count: 10,
      failed: 1,
      minUs: 80,
      maxUs: 3000,
      meanUs: 388,
      p50Us: 99,
      p90Us: 120,
      p99Us: 3000,
      p999Us: 3000,
    });
    expect(p.buckets).toEqual([
      { leUs: 96, count: 4 },
      { leUs: 128, count: 5 },
      { leUs: 3072, count: 1 },
    ]);
    expect(p.buckets.reduce((s, b) => s + b.count, 0)).toBe(p.count);
  });

  it('an empty probe is all zeros, not NaN', () => {
    expect(summarizeProbe([], 10)).toMatchObject({ count: 0, failed: 10, minUs: 0, meanUs: 0, p99Us: 0, buckets: [] });
  });
});
