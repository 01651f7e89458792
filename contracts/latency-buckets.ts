// The execution-time buckets of Redis's per-command latency histograms (`LATENCY
// HISTOGRAM`, Redis ≥ 7.0 and Valkey), as they travel in InfoSampleV1 and are stored in
// the command_histograms_* tables. Every stage reads the bucket numbers through this one
// table.
//
// Redis times each call in whole microseconds and records it, in nanoseconds, in an HDR
// histogram (2 significant figures). `LATENCY HISTOGRAM` reports that histogram on a
// power-of-two ladder starting at 1,024 ns: bucket k ends at 1024·2^k ns plus the width of
// the HDR sub-bucket holding that value (2^(3+k) ns), and Redis prints the end in whole
// microseconds: 1, 2, 4, 8, 16, 33, 66, 132, … Because durations are whole microseconds,
// those printed ends are exact: bucket k holds the calls that took
//   BUCKET_UPPER_US[k-1] < duration ≤ BUCKET_UPPER_US[k] microseconds (bucket 0: 0–1 µs).
// Redis clamps durations to 1 s, so the last bucket holds every call of 0.54 s or more, each
// recorded as at most 1 s. (Checked against redis-server 7.0: a 5.08 ms DEBUG SLEEP is
// reported under 8454, a 19.4 ms Lua loop under 33816.)

/** Inclusive upper bound of each bucket, microseconds; the index is the bucket number. */
export const BUCKET_UPPER_US: readonly number[] = [
  1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532, 541065, 1000000,
];

export const BUCKET_COUNT = BUCKET_UPPER_US.length;
export const LAST_BUCKET = BUCKET_COUNT - 1;

/** Exclusive lower bound of bucket `k`, microseconds (0 for the first). */
export function bucketLowerUs(k: number): number {
  return k <= 0 ? 0 : BUCKET_UPPER_US[k - 1]!;
}

export function bucketUpperUs(k: number): number {
  return BUCKET_UPPER_US[Math.min(Math.max(k, 0), LAST_BUCKET)]!;
}

/**
 * The bucket a duration falls in: the first whose upper bound is ≥ `us`. Also maps the
 * bucket ends Redis prints (1, 2, 4, …, 33, …) to their bucket, and anything above the
 * last regular bound (Redis prints 1082130 for the clamped top bucket) to the last.
 */
export function bucketOf(us: number): number {
  if (!(us > BUCKET_UPPER_US[0]!)) return 0; // also NaN and negatives: never an index out of range
  let lo = 1;
  let hi = LAST_BUCKET;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (BUCKET_UPPER_US[mid]! >= us) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
