// Percentiles from bucket counts, the way Prometheus's histogram_quantile() computes them
// from classic histogram buckets, so a figure from redscope and one from redis_exporter +
// Prometheus over the same calls agree:
//   rank = q × total calls; the answer lies in the first bucket whose cumulative count
//   reaches rank, and inside that bucket it is interpolated linearly between the bucket's
//   lower and upper bound, as if its calls were spread evenly across it:
//     lower + (upper − lower) × (rank − calls below the bucket) / calls in the bucket.
//   The lower bound of a bucket is the upper bound of the bucket before it in the ladder
//   (whether or not that one holds calls), 0 for the first; in an open-ended top bucket
//   the answer is its lower bound (Prometheus: the +Inf bucket).
// The error is therefore at most the width of one bucket, which is why the API returns the
// bounds of the bucket each percentile fell in. Pure; used by the API (the dashboards'
// SQL, dashboards/lib/histogram-sql.ts, implements the same and a test holds them equal).

export interface BucketCount {
  lowerUs: number;
  /** Infinity for an open-ended top bucket. */
  upperUs: number;
  count: number;
}

export interface Quantile {
  /** The interpolated value, µs. */
  us: number;
  /** Bounds of the bucket it fell in: the true value lies in (lowerUs, upperUs]. */
  lowerUs: number;
  upperUs: number;
}

/** `q` in (0, 1]; `buckets` in ascending order (empty buckets may be left out). Null without calls. */
export function histogramQuantile(q: number, buckets: readonly BucketCount[]): Quantile | null {
  let total = 0;
  for (const b of buckets) total += b.count;
  if (total <= 0 || !(q > 0)) return null;
  const rank = Math.min(q, 1) * total;
  let below = 0;
  for (const b of buckets) {
    if (b.count > 0 && below + b.count >= rank) {
      const us = Number.isFinite(b.upperUs)
        ? b.lowerUs + ((b.upperUs - b.lowerUs) * (rank - below)) / b.count
        : b.lowerUs;
      return { us, lowerUs: b.lowerUs, upperUs: b.upperUs };
    }
    below += b.count;
  }
  return null; // unreachable: the last non-empty bucket reaches total
}

/** The levels the API reports, in order. */
export const PERCENTILE_LEVELS = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p99', 0.99],
  ['p999', 0.999],
] as const;
