// Command latency from the command_histograms_* tables (0031_command_histograms.sql): calls
// and microseconds (→ calls/s, µs/call) and the summed bucket counts of single calls
// (latencyMap) or, for servers without LATENCY HISTOGRAM, of per-sample means (meanMap).
// Percentiles are computed from the sums by the API (common/histogram-quantile.ts), never
// averaged. Rows with instance = '' are the whole cluster (every instance summed by the
// views), so a cluster-wide question reads one row per bucket.
//
// Time coverage (for calls/s): every query also returns the first and last bucket holding
// any command's data, so a rate is divided by the time samples cover, not by the range
// asked for. That is why series and summaries read every command of the scope and select
// commands inside the aggregates (-If) or afterwards: a rarely called command must not
// shrink the covered time to the minutes it was called in.
import { identifier, joinSql, sql, type SqlFragment } from '../../common/sql.ts';
import { where } from './keyset.ts';
import {
  TIER_BUCKET_SECONDS,
  TIER_GRANULARITY,
  type LatencyTier,
  type RangePart,
  type SeriesPlan,
} from './latency-tier.ts';

export interface LatencyFilter {
  database: string;
  cluster: string;
  /** One instance; absent = the whole cluster. */
  instance?: string;
  /** Lower-case command names; empty or absent = all commands. */
  commands?: readonly string[];
}

/** A sumMap result as JSONEachRow renders it: bucket keys and counts (UInt64 as strings). */
export type SparseCounts = [Array<number | string>, Array<number | string>];

function histogramTable(database: string, tier: LatencyTier): SqlFragment {
  return identifier(`${database}.command_histograms_${TIER_GRANULARITY[tier].suffix}`);
}

function timeConditions(fromSec: number, toSec: number): SqlFragment[] {
  return [sql`bucket >= toDateTime(${fromSec})`, sql`bucket < toDateTime(${toSec})`];
}

function selected(f: LatencyFilter): SqlFragment {
  return f.commands !== undefined && f.commands.length > 0 ? sql`has(${f.commands}, command)` : sql`1`;
}

export interface SeriesRow {
  t: number;
  calls_total: string;
  usec_total: string;
  lat: SparseCounts;
  means: SparseCounts;
  first_bucket: number;
  last_bucket: number;
}

/** One series over the plan's range, a row per step that holds data. */
export function latencySeriesSql(f: LatencyFilter, plan: SeriesPlan): SqlFragment {
  const sel = selected(f);
  return sql`SELECT intDiv(toUInt32(bucket), ${plan.stepSec}) * ${plan.stepSec} AS t,
    sumIf(calls, ${sel}) AS calls_total, sumIf(usec, ${sel}) AS usec_total,
    sumMapIf(latencyMap.le, latencyMap.n, ${sel}) AS lat, sumMapIf(meanMap.le, meanMap.n, ${sel}) AS means,
    toUInt32(min(bucket)) AS first_bucket, toUInt32(max(bucket)) AS last_bucket
FROM ${histogramTable(f.database, plan.tier)}
${where([sql`cluster = ${f.cluster}`, sql`instance = ${f.instance ?? ''}`, ...timeConditions(plan.fromSec, plan.toSec)])}
GROUP BY t
ORDER BY t`;
}

/** The rows of every part, under the same column names, for an outer aggregate. */
function partsUnion(
  database: string,
  parts: readonly RangePart[],
  conditions: readonly (SqlFragment | false)[],
): SqlFragment {
  return joinSql(
    parts.map(
      (
        p,
      ) => sql`SELECT instance, command, calls, usec, latencyMap.le AS lat_le, latencyMap.n AS lat_n, meanMap.le AS mean_le, meanMap.n AS mean_n,
    toUInt32(bucket) AS start_s, toUInt32(bucket) + ${TIER_BUCKET_SECONDS[p.tier]} AS end_s
FROM ${histogramTable(database, p.tier)}
${where([...conditions, ...timeConditions(p.fromSec, p.toSec)])}`,
    ),
    '\nUNION ALL\n',
  );
}

export interface SummaryRow {
  command: string;
  calls_total: string;
  usec_total: string;
  lat: SparseCounts;
  means: SparseCounts;
  first_s: number;
  end_s: number;
}

/**
 * Per-command totals over the parts of a range, every command of the scope (the caller
 * selects, orders and limits: the order may be a percentile, computed in the API).
 */
export function latencySummarySql(f: Omit<LatencyFilter, 'commands'>, parts: readonly RangePart[]): SqlFragment {
  return sql`SELECT command, sum(calls) AS calls_total, sum(usec) AS usec_total,
    sumMap(lat_le, lat_n) AS lat, sumMap(mean_le, mean_n) AS means, min(start_s) AS first_s, max(end_s) AS end_s
FROM (${partsUnion(f.database, parts, [sql`cluster = ${f.cluster}`, sql`instance = ${f.instance ?? ''}`])})
GROUP BY command`;
}

export interface InstanceRow {
  instance: string;
  calls_total: string;
  usec_total: string;
  lat: SparseCounts;
  means: SparseCounts;
}

/** Per-instance totals of the selected commands over the parts of a range. */
export function latencyByInstanceSql(f: LatencyFilter, parts: readonly RangePart[]): SqlFragment {
  const conditions = [
    sql`cluster = ${f.cluster}`,
    f.instance !== undefined ? sql`instance = ${f.instance}` : sql`instance != ''`,
    f.commands !== undefined && f.commands.length > 0 && sql`has(${f.commands}, command)`,
  ];
  return sql`SELECT instance, sum(calls) AS calls_total, sum(usec) AS usec_total,
    sumMap(lat_le, lat_n) AS lat, sumMap(mean_le, mean_n) AS means
FROM (${partsUnion(f.database, parts, conditions)})
GROUP BY instance`;
}

export interface ProbeRow {
  instance: string;
  pings: string;
  failed: string;
  round_trip_us: number;
  rtt: SparseCounts;
}

/**
 * PING round trips per instance (ping_probes_1m/1h, 0032_ping_rollups.sql) over the parts
 * of a range; the per-sample part of a short range is read from the minute table.
 */
export function probesByInstanceSql(f: Omit<LatencyFilter, 'commands'>, parts: readonly RangePart[]): SqlFragment {
  const union = joinSql(
    parts.map((p) => {
      const minute = p.tier !== 'hour';
      const from = minute ? Math.floor(p.fromSec / 60) * 60 : p.fromSec;
      const to = minute ? Math.ceil(p.toSec / 60) * 60 : p.toSec;
      return sql`SELECT instance, pings, failed, round_trip_us, pingMap.le AS le, pingMap.n AS n
FROM ${identifier(`${f.database}.ping_probes_${minute ? '1m' : '1h'}`)}
${where([
  sql`cluster = ${f.cluster}`,
  f.instance !== undefined && sql`instance = ${f.instance}`,
  ...timeConditions(from, to),
])}`;
    }),
    '\nUNION ALL\n',
  );
  return sql`SELECT instance, sum(pings) AS pings, sum(failed) AS failed, sum(round_trip_us) AS round_trip_us, sumMap(le, n) AS rtt
FROM (${union})
GROUP BY instance`;
}
