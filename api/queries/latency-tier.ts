// Which latency table answers a range (0011_rollups.sql), and how the range and step are
// rounded to that table's buckets. Pure, so the choice is unit-tested and documented once:
//   series:    range ≤ 1 h → raw command_stats (per sample);
//              range ≤ 2 days → minute rollup; longer → hour rollup.
//              step is rounded up to whole buckets of the chosen table, the range out to
//              whole buckets (a minute bucket holds every sample of its minute).
//   summaries: range ≤ 1 h → raw; longer → whole hours from the hour rollup plus the
//              partial hours at both ends from the minute rollup, so a 24 h cluster-wide
//              summary reads ~24 + ≤ 120 rows per command instead of 1,440.
// All parts are half-open [fromSec, toSec); the API's `to` is inclusive, hence `to + 1`.

export type LatencyTier = 'raw' | 'minute' | 'hour';

export const TIER_BUCKET_SECONDS: Record<LatencyTier, number> = { raw: 1, minute: 60, hour: 3600 };
export const RAW_MAX_RANGE_SECONDS = 3600;
export const MINUTE_MAX_RANGE_SECONDS = 2 * 86400;

export function tierForRange(rangeSec: number): LatencyTier {
  if (rangeSec <= RAW_MAX_RANGE_SECONDS) return 'raw';
  if (rangeSec <= MINUTE_MAX_RANGE_SECONDS) return 'minute';
  return 'hour';
}

const down = (t: number, unit: number) => Math.floor(t / unit) * unit;
const up = (t: number, unit: number) => Math.ceil(t / unit) * unit;

export interface SeriesPlan {
  tier: LatencyTier;
  /** Covered range, whole buckets, half-open. */
  fromSec: number;
  toSec: number;
  /** A whole number of buckets. */
  stepSec: number;
}

export function planSeries(range: { fromSec: number; toSec: number; stepSec: number }): SeriesPlan {
  const tier = tierForRange(range.toSec - range.fromSec);
  const bucket = TIER_BUCKET_SECONDS[tier];
  return {
    tier,
    fromSec: down(range.fromSec, bucket),
    toSec: up(range.toSec + 1, bucket),
    stepSec: up(Math.max(range.stepSec, bucket), bucket),
  };
}

export interface RangePart {
  tier: LatencyTier;
  fromSec: number;
  toSec: number;
}

export function planSummary(range: { fromSec: number; toSec: number }): RangePart[] {
  if (range.toSec - range.fromSec <= RAW_MAX_RANGE_SECONDS)
    return [{ tier: 'raw', fromSec: range.fromSec, toSec: range.toSec + 1 }];
  const m1 = down(range.fromSec, 60);
  const m2 = up(range.toSec + 1, 60);
  const h1 = up(m1, 3600);
  const h2 = down(m2, 3600);
  if (h2 <= h1) return [{ tier: 'minute', fromSec: m1, toSec: m2 }];
  const parts: RangePart[] = [];
  if (m1 < h1) parts.push({ tier: 'minute', fromSec: m1, toSec: h1 });
  parts.push({ tier: 'hour', fromSec: h1, toSec: h2 });
  if (h2 < m2) parts.push({ tier: 'minute', fromSec: h2, toSec: m2 });
  return parts;
}

/** The range the parts cover, for the response. */
export function coveredRange(parts: readonly RangePart[]): { fromSec: number; toSec: number } {
  return { fromSec: parts[0]!.fromSec, toSec: parts[parts.length - 1]!.toSec };
}
