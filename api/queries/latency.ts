// Command latency from command_stats (raw) or the rollups of 0011_rollups.sql. Every
// query returns calls_total and usec_total (→ calls/s, usec/call) and the t-digest
// percentiles of per-sample mean latency, q = [p50, p90, p99, p99.9] in µs. The aliases
// differ from command_stats' cumulative `calls`/`usec` columns: an alias must not shadow them.
import { identifier, joinSql, sql, SqlFragment } from '../../common/sql.ts';
import type { LatencyTier, RangePart, SeriesPlan } from './latency-tier.ts';
import { where } from './keyset.ts';

const LEVELS = new SqlFragment('0.5, 0.9, 0.99, 0.999');

export interface LatencyFilter {
  database: string;
  cluster: string;
  instance?: string;
  /** Lower-case command names; empty or absent = all commands. */
  commands?: readonly string[];
}

function table(f: LatencyFilter, tier: LatencyTier): SqlFragment {
  if (tier === 'raw') return identifier(`${f.database}.command_stats`);
  const name = `command_latency${f.instance === undefined ? '_cluster' : ''}_${tier === 'minute' ? '1m' : '1h'}`;
  return identifier(`${f.database}.${name}`);
}

function conditions(f: LatencyFilter, tier: LatencyTier, fromSec: number, toSec: number): SqlFragment {
  const time = tier === 'raw' ? new SqlFragment('ts') : new SqlFragment('bucket');
  return where([
    sql`cluster = ${f.cluster}`,
    f.commands !== undefined && f.commands.length > 0 && sql`has(${f.commands}, command)`,
    f.instance !== undefined && sql`instance = ${f.instance}`,
    sql`${time} >= toDateTime(${fromSec})`,
    sql`${time} < toDateTime(${toSec})`,
    tier === 'raw' && sql`calls_delta > 0`,
  ]);
}

export interface SeriesRow {
  t: number;
  calls_total: string;
  usec_total: string;
  q: number[];
}

/** One series over the plan's range, a point per step. */
export function latencySeriesSql(f: LatencyFilter, plan: SeriesPlan): SqlFragment {
  const time = plan.tier === 'raw' ? new SqlFragment('ts') : new SqlFragment('bucket');
  const aggregates =
    plan.tier === 'raw'
      ? sql`sum(calls_delta) AS calls_total, sum(usec_delta) AS usec_total, quantilesTDigest(${LEVELS})(usec_delta / calls_delta) AS q`
      : sql`sumMerge(calls_sum) AS calls_total, sumMerge(usec_sum) AS usec_total, quantilesTDigestMerge(${LEVELS})(mean_us_quantiles) AS q`;
  return sql`SELECT intDiv(toUInt32(${time}), ${plan.stepSec}) * ${plan.stepSec} AS t, ${aggregates}
FROM ${table(f, plan.tier)}
${conditions(f, plan.tier, plan.fromSec, plan.toSec)}
GROUP BY t
ORDER BY t`;
}

export type SummaryOrder = 'usec_per_call' | 'p50' | 'p90' | 'p99' | 'p999' | 'calls' | 'total_usec';

// Fixed expressions: the client picks a name, never SQL.
const ORDER_EXPR: Record<SummaryOrder, SqlFragment> = {
  usec_per_call: new SqlFragment('usec_total / calls_total'),
  p50: new SqlFragment('q[1]'),
  p90: new SqlFragment('q[2]'),
  p99: new SqlFragment('q[3]'),
  p999: new SqlFragment('q[4]'),
  calls: new SqlFragment('calls_total'),
  total_usec: new SqlFragment('usec_total'),
};

export interface SummaryRow {
  command: string;
  calls_total: string;
  usec_total: string;
  q: number[];
}

/** Per-command totals and percentiles over the parts of a range, ordered, top `limit`. */
export function latencySummarySql(
  f: LatencyFilter,
  parts: readonly RangePart[],
  opts: { order: SummaryOrder; limit: number; minCalls: number },
): SqlFragment {
  const tail = sql`HAVING calls_total >= ${opts.minCalls}
ORDER BY ${ORDER_EXPR[opts.order]} DESC, command ASC
LIMIT ${opts.limit}`;
  if (parts.length === 1 && parts[0]!.tier === 'raw') {
    const p = parts[0]!;
    return sql`SELECT command, sum(calls_delta) AS calls_total, sum(usec_delta) AS usec_total, quantilesTDigest(${LEVELS})(usec_delta / calls_delta) AS q
FROM ${table(f, 'raw')}
${conditions(f, 'raw', p.fromSec, p.toSec)}
GROUP BY command
${tail}`;
  }
  // Rollup states of the same type from the hour and minute tables, merged together.
  const inner = parts.map(
    (p) =>
      sql`SELECT command, calls_sum, usec_sum, mean_us_quantiles FROM ${table(f, p.tier)} ${conditions(f, p.tier, p.fromSec, p.toSec)}`,
  );
  return sql`SELECT command, sumMerge(calls_sum) AS calls_total, sumMerge(usec_sum) AS usec_total, quantilesTDigestMerge(${LEVELS})(mean_us_quantiles) AS q
FROM (${joinSql(inner, '\nUNION ALL\n')})
GROUP BY command
${tail}`;
}
