import { describe, expect, it } from 'vitest';
import { fitTrend, type Point, theilSen } from './trend.ts';

const line = (n: number, slope: number, at = 0): Point[] =>
  Array.from({ length: n }, (_, i) => [1_700_000_000_000 + i * 1000, at + slope * i * 1000] as const);

describe('theilSen', () => {
  it('finds the slope of a line, and keeps it with a quarter of the points wild', () => {
    expect(theilSen(line(20, 2))!.slope).toBeCloseTo(2, 9);
    const noisy = line(40, 2).map(([t, y], i) => [t, i % 4 === 0 ? y + 1e9 * (i % 8 === 0 ? 1 : -1) : y] as const);
    expect(theilSen(noisy)!.slope).toBeCloseTo(2, 6);
  });

  it('has no slope without two distinct times', () => {
    expect(theilSen([[1, 1]])).toBeNull();
    expect(
      theilSen([
        [1, 1],
        [1, 2],
      ]),
    ).toBeNull();
  });
});

describe('fitTrend', () => {
  it('explains a clean ramp fully, every part rising alike', () => {
    const fit = fitTrend(line(30, 5, 100))!;
    expect(fit.slope).toBeCloseTo(5, 9);
    expect(fit.level).toBeCloseTo(100 + 5 * 29_000, 3);
    expect(fit.r2).toBeCloseTo(1, 9);
    for (const s of fit.partSlopes) expect(s).toBeCloseTo(5, 9);
  });

  it('sees a one-off jump in one part only', () => {
    const step = line(30, 0).map(([t], i) => [t, i < 15 ? 0 : 1000] as const);
    const fit = fitTrend(step)!;
    expect(fit.partSlopes.filter((s) => s > 0)).toHaveLength(1);
  });

  it('calls a flat series flat: no slope, nothing explained', () => {
    const fit = fitTrend(line(30, 0, 42))!;
    expect(fit.slope).toBe(0);
    expect(fit.r2).toBe(0);
  });

  it('needs two points per part', () => {
    expect(fitTrend(line(5, 1))).toBeNull();
    expect(fitTrend(line(6, 1))).not.toBeNull();
  });
});
