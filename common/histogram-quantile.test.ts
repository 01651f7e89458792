import { describe, expect, it } from 'vitest';
import { histogramQuantile } from './histogram-quantile.ts';

const b = (lowerUs: number, upperUs: number, count: number) => ({ lowerUs, upperUs, count });

describe('histogram quantile (Prometheus histogram_quantile semantics)', () => {
  it('interpolates linearly inside the bucket holding the rank', () => {
    // 100 calls: 90 in (0, 1], 10 in (4227, 8454].
    const h = [b(0, 1, 90), b(4227, 8454, 10)];
    expect(histogramQuantile(0.5, h)).toEqual({ us: 0.5 / 0.9, lowerUs: 0, upperUs: 1 });
    expect(histogramQuantile(0.9, h)!.us).toBe(1);
    // rank 99: 9 of the 10 slow calls → 90 % of the way through (4227, 8454].
    expect(histogramQuantile(0.99, h)!.us).toBeCloseTo(4227 + 0.9 * 4227, 6);
    expect(histogramQuantile(0.99, h)).toMatchObject({ lowerUs: 4227, upperUs: 8454 });
  });

  it('takes the lower bound from the ladder, not from the previous bucket that has calls', () => {
    // Nothing in (2, 4]: the answer in (4, 8] still interpolates from 4.
    expect(histogramQuantile(0.5, [b(0, 1, 0), b(4, 8, 2)])!.us).toBe(6);
  });

  it('answers the lower bound in an open-ended top bucket, and null without calls', () => {
    expect(histogramQuantile(0.99, [b(0, 1, 1), b(2 ** 31, Number.POSITIVE_INFINITY, 99)])!.us).toBe(2 ** 31);
    expect(histogramQuantile(0.99, [])).toBeNull();
    expect(histogramQuantile(0.99, [b(0, 1, 0)])).toBeNull();
  });

  it('is exact at bucket edges: the rank reached exactly ends at the bucket bound', () => {
    expect(histogramQuantile(0.99, [b(0, 1, 99), b(4227, 8454, 1)])!.us).toBe(1);
  });
});
