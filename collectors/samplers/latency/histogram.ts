// Round-trip summary of one probe: nearest-rank percentiles and a log-bucketed histogram.
// Buckets have two bounds per power of two (1, 2, 3, 4, 6, 8, 12, 16, 24, … µs), so any
// value lands in a bucket at most 50 % wider than itself. The bounds are fixed, so
// histograms of many probes add up bucket by bucket (sumMap in ClickHouse) into
// percentiles over any window, which per-probe percentiles cannot do.
import {
  PROBE_BUCKET_UPPER_US,
  PROBE_OVERFLOW_LE_US,
  type LatencyBucket,
  type PingProbe,
} from '../../../contracts/index.ts';

export function bucketOf(us: number): number {
  for (const b of PROBE_BUCKET_UPPER_US) if (us <= b) return b;
  return PROBE_OVERFLOW_LE_US;
}

export function buckets(samplesUs: readonly number[]): LatencyBucket[] {
  const counts = new Map<number, number>();
  for (const us of samplesUs) {
    const b = bucketOf(us);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => a[0] - b[0]).map(([leUs, count]) => ({ leUs, count }));
}

/** Nearest-rank percentile of sorted values (p in 0..100): the smallest value with at least p % at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Summary of round trips in µs; `failed` counts the pings that got no answer. */
export function summarizeProbe(samplesUs: readonly number[], failed: number): PingProbe {
  const sorted = [...samplesUs].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    failed,
    minUs: round1(sorted[0] ?? 0),
    maxUs: round1(sorted.at(-1) ?? 0),
    meanUs: round1(sorted.length ? sum / sorted.length : 0),
    p50Us: round1(percentile(sorted, 50)),
    p90Us: round1(percentile(sorted, 90)),
    p99Us: round1(percentile(sorted, 99)),
    p999Us: round1(percentile(sorted, 99.9)),
    buckets: buckets(sorted),
  };
}
