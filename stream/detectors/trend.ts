// A robust linear trend over a short series (≤ a few hundred points), for forecasts such
// as "maxmemory in ~3 h". Pure.
//
// Theil–Sen: the slope is the median of the slopes between every pair of points, so up to
// ~29 % of the points can be outliers (a spike, a restart's dip) without moving it, where a
// least-squares line follows them. O(n²) pairs: 2,556 for 72 points.
// A slope alone does not say the growth is steady. `fitTrend` also reports how much of the
// series the line explains (R²) and the slope of each consecutive third of the window, so a
// caller can demand growth in every part of it: a one-off jump (a bulk load, flat before and
// after) rises in one third only, and a sawtooth's thirds disagree in sign.

export type Point = readonly [t: number, y: number];

export interface TrendFit {
  /** Units of y per unit of t. */
  slope: number;
  /** The line's value at the last point's t (less noisy than the last point). */
  level: number;
  /** Share of the variance around the mean that the line explains; 0 for a flat series. */
  r2: number;
  /** Theil–Sen slope of each consecutive part of the window, oldest first. */
  partSlopes: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Theil–Sen slope and the intercept at t = 0 (median of y − slope·t); null below 2 distinct times. */
export function theilSen(points: readonly Point[]): { slope: number; intercept: number } | null {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++) {
      const dt = points[j]![0] - points[i]![0];
      if (dt !== 0) slopes.push((points[j]![1] - points[i]![1]) / dt);
    }
  if (slopes.length === 0) return null;
  const slope = median(slopes);
  const intercept = median(points.map(([t, y]) => y - slope * t));
  return { slope, intercept };
}

/** The trend of `points` (in time order) with its fit quality; null with fewer than 2 points per part. */
export function fitTrend(series: readonly Point[], parts = 3): TrendFit | null {
  if (series.length < 2 * parts) return null;
  // Times relative to the first point: unix ms times a slope would lose digits in the intercept.
  const first = series[0]![0];
  const points = series.map(([t, y]) => [t - first, y] as const);
  const line = theilSen(points);
  if (!line) return null;
  const mean = points.reduce((a, [, y]) => a + y, 0) / points.length;
  let total = 0;
  let residual = 0;
  for (const [t, y] of points) {
    total += (y - mean) ** 2;
    residual += (y - (line.intercept + line.slope * t)) ** 2;
  }
  const r2 = total === 0 ? 0 : Math.max(0, 1 - residual / total);
  const t0 = points[0]![0];
  const span = points.at(-1)![0] - t0;
  const partSlopes: number[] = [];
  for (let p = 0; p < parts; p++) {
    const from = t0 + (span * p) / parts;
    const to = t0 + (span * (p + 1)) / parts;
    const inPart = points.filter(([t]) => t >= from && (p === parts - 1 ? t <= to : t < to));
    partSlopes.push(theilSen(inPart)?.slope ?? 0);
  }
  return { slope: line.slope, level: line.intercept + line.slope * points.at(-1)![0], r2, partSlopes };
}
