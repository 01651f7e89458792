// From summed bucket counts (as the queries return them) to the figures the API answers
// with: percentiles with the bounds of their bucket, the basis they stand on, and the
// time the samples cover. Pure, unit-tested.
import { histogramQuantile, PERCENTILE_LEVELS, type BucketCount, type Quantile } from '../common/histogram-quantile.ts';
import { bucketLowerUs, bucketUpperUs, probeBucketLowerUs, PROBE_OVERFLOW_LE_US } from '../contracts/index.ts';
import type { SparseCounts } from './queries/latency.ts';

export type Basis = 'calls' | 'sample-means' | 'none';

/** Bucket number → calls, ascending. */
export type BucketMap = Map<number, number>;

export function toBucketMap(s: SparseCounts | undefined): BucketMap {
  const out: BucketMap = new Map();
  if (!s) return out;
  const [keys, counts] = s;
  for (let i = 0; i < keys.length; i++) {
    const n = Number(counts[i]);
    if (n > 0) out.set(Number(keys[i]), n);
  }
  return out;
}

export function addInto(into: BucketMap, from: BucketMap): BucketMap {
  for (const [k, n] of from) into.set(k, (into.get(k) ?? 0) + n);
  return into;
}

export function totalOf(m: BucketMap): number {
  let t = 0;
  for (const n of m.values()) t += n;
  return t;
}

/** Command buckets (numbers of contracts/latency-buckets.ts) with their bounds, ascending. */
export function commandBuckets(m: BucketMap): BucketCount[] {
  return [...m]
    .sort((a, b) => a[0] - b[0])
    .map(([k, count]) => ({ lowerUs: bucketLowerUs(k), upperUs: bucketUpperUs(k), count }));
}

/** PING probe buckets (keyed by upper bound, µs) with their bounds, ascending. */
export function probeBuckets(m: BucketMap): BucketCount[] {
  return [...m]
    .sort((a, b) => a[0] - b[0])
    .map(([le, count]) => ({
      lowerUs: probeBucketLowerUs(le),
      upperUs: le >= PROBE_OVERFLOW_LE_US ? Number.POSITIVE_INFINITY : le,
      count,
    }));
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export interface PercentileFigures {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  bounds: Record<'p50' | 'p90' | 'p99' | 'p999', { lowerUs: number; upperUs: number } | null>;
}

export function percentiles(buckets: readonly BucketCount[]): PercentileFigures {
  const out = { bounds: {} } as PercentileFigures;
  for (const [name, q] of PERCENTILE_LEVELS) {
    const r: Quantile | null = histogramQuantile(q, buckets);
    out[name] = r ? round3(r.us) : null;
    // JSON has no Infinity: an open-ended bucket reports its lower bound as its upper too.
    out.bounds[name] = r ? { lowerUs: r.lowerUs, upperUs: Number.isFinite(r.upperUs) ? r.upperUs : r.lowerUs } : null;
  }
  return out;
}

/**
 * Per-call buckets when there are any; otherwise the fallback of per-sample means (servers
 * without LATENCY HISTOGRAM), labelled as such.
 */
export function chooseBasis(calls: BucketMap, means: BucketMap): { basis: Basis; buckets: BucketMap } {
  if (calls.size > 0) return { basis: 'calls', buckets: calls };
  if (means.size > 0) return { basis: 'sample-means', buckets: means };
  return { basis: 'none', buckets: calls };
}

/** Calls with a per-call histogram / all calls (commandstats); null without calls. */
export function histogramCoverage(histogramCalls: number, calls: number): number | null {
  if (calls <= 0) return histogramCalls > 0 ? 1 : null;
  return round3(Math.min(1, histogramCalls / calls));
}

/**
 * Seconds of [fromSec, toSec) covered by samples: from the start of the first bucket with
 * data to the end of the last, never past now. Gaps inside (a collector stopped for a
 * while) are not subtracted; a range reaching before the first sample or after the
 * newest one is, which is what makes a fresh cluster's calls/s right.
 */
export function coveredSeconds(
  range: { fromSec: number; toSec: number },
  data: { firstSec: number; endSec: number },
  nowSec = Date.now() / 1000,
): number {
  const start = Math.max(range.fromSec, data.firstSec);
  const end = Math.min(range.toSec, data.endSec, Math.max(nowSec, start + 1));
  return Math.max(1, end - start);
}

export const rounded = round3;
