// Which command_histograms_* table answers a range (0031_command_histograms.sql), and how
// the range and step are rounded to that table's buckets. Pure, so the choice is
// unit-tested and documented once:
//   series:    range ≤ 1 h → per-sample table (1 s buckets);
//              range ≤ 2 days → minute table; longer → hour table.
//              step is rounded up to whole buckets of the chosen table, the range out to
//              whole buckets (a minute bucket holds every sample of its minute).
//   summaries: range ≤ 1 h → per-sample table; longer → whole hours from the hour table
//              plus the partial hours at both ends from the minute table, so a 24 h
//              cluster-wide summary reads ~24 + ≤ 120 rows per command instead of 1,440.
// A table is only chosen for a range that starts within its retention (the per-sample
// table is kept a day, the minute table a week by default): older ranges go one tier up.
// All parts are half-open [fromSec, toSec); the API's `to` is inclusive, hence `to + 1`.
import { GRANULARITIES } from '../../clickhouse/granularities.ts';

export type LatencyTier = 'raw' | 'minute' | 'hour';

export const TIER_GRANULARITY = { raw: GRANULARITIES['1s'], minute: GRANULARITIES['1m'], hour: GRANULARITIES['1h'] };
export const TIER_BUCKET_SECONDS: Record<LatencyTier, number> = { raw: 1, minute: 60, hour: 3600 };
export const RAW_MAX_RANGE_SECONDS = 3600;
export const MINUTE_MAX_RANGE_SECONDS = 2 * 86400;
/** How far back each finer table reaches (retention defaults of common/config.ts: 1 and 7 days, whole days). */
export const RAW_REACH_SECONDS = 86400;
export const MINUTE_REACH_SECONDS = 7 * 86400;

export function tierForRange(rangeSec: number, ageSec = 0): LatencyTier {
  if (rangeSec <= RAW_MAX_RANGE_SECONDS && ageSec <= RAW_REACH_SECONDS) return 'raw';
  if (rangeSec <= MINUTE_MAX_RANGE_SECONDS && ageSec <= MINUTE_REACH_SECONDS) return 'minute';
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

export function planSeries(
  range: { fromSec: number; toSec: number; stepSec: number },
  nowSec = Math.floor(Date.now() / 1000),
): SeriesPlan {
  const tier = tierForRange(range.toSec - range.fromSec, nowSec - range.fromSec);
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

export function planSummary(
  range: { fromSec: number; toSec: number },
  nowSec = Math.floor(Date.now() / 1000),
): RangePart[] {
  const tier = tierForRange(range.toSec - range.fromSec, nowSec - range.fromSec);
  if (tier === 'raw') return [{ tier: 'raw', fromSec: range.fromSec, toSec: range.toSec + 1 }];
  // Beyond the minute table's reach, the edges widen to whole hours.
  const edge = nowSec - range.fromSec <= MINUTE_REACH_SECONDS ? 60 : 3600;
  const m1 = down(range.fromSec, edge);
  const m2 = up(range.toSec + 1, edge);
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
