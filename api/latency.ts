// Latency series, per-command summaries, heatmaps, "who makes the tail" and the two sides of
// a response time, through the result cache (plugins/caches.ts): identical questions within
// a few seconds cost one ClickHouse query. Figures come from latency-figures.ts.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { bucketLowerUs, bucketUpperUs } from '../contracts/index.ts';
import {
  addInto,
  chooseBasis,
  commandBuckets,
  coveredSeconds,
  histogramCoverage,
  percentiles,
  probeBuckets,
  rounded,
  toBucketMap,
  totalOf,
  type Basis,
  type BucketMap,
} from './latency-figures.ts';
import { cachedUnlessLate } from './late-data.ts';
import { piecedSums, type CommandSums } from './latency-pieces.ts';
import { resultTtlMs } from './plugins/caches.ts';
import {
  coveredRange,
  planSeries,
  planSummary,
  TIER_BUCKET_SECONDS,
  type LatencyTier,
  type RangePart,
} from './queries/latency-tier.ts';
import {
  latencyByInstanceSql,
  latencySeriesSql,
  latencySummarySql,
  probesByInstanceSql,
  type InstanceRow,
  type LatencyFilter,
  type ProbeRow,
  type SeriesRow,
  type SummaryRow,
} from './queries/latency.ts';
import { selectRows } from './queries/run.ts';
import type { CommandLatency, InstanceSides, LatencyPoint, TailInstance } from './schemas/latency.ts';
import type { TimeRange } from './schemas/time-range.ts';
import type { SqlFragment } from '../common/sql.ts';

type Point = Static<typeof LatencyPoint>;
type Summary = Static<typeof CommandLatency>;

/** Rows of a query over one cluster's [fromSec, toSec), through the result cache (late-data.ts says when they are stale). */
function cachedRows<T>(
  app: FastifyInstance,
  query: SqlFragment,
  span: { cluster: string; fromSec: number; toSec: number },
): Promise<T[]> {
  return cachedUnlessLate(
    app.resultCache,
    app.lateArrivals,
    query.text,
    span,
    resultTtlMs(app.cacheTtls, span.toSec),
    () => selectRows<T>(app.clickhouse, query),
  );
}

export interface SeriesResult {
  tier: LatencyTier;
  fromSec: number;
  toSec: number;
  stepSec: number;
  basis: Basis;
  histogramCoverage: number | null;
  points: Point[];
  /** Per point, the buckets of the chosen basis (for the heatmap). */
  buckets: BucketMap[];
}

export async function loadSeries(app: FastifyInstance, f: LatencyFilter, range: TimeRange): Promise<SeriesResult> {
  const plan = planSeries(range);
  const rows = await cachedRows<SeriesRow>(app, latencySeriesSql(f, plan), { cluster: f.cluster, ...plan });
  const lat = rows.map((r) => toBucketMap(r.lat));
  const means = rows.map((r) => toBucketMap(r.means));
  // One basis for the whole series: per-call wherever any step has histograms.
  const basis: Basis = lat.some((m) => m.size > 0) ? 'calls' : means.some((m) => m.size > 0) ? 'sample-means' : 'none';
  const chosen = basis === 'sample-means' ? means : lat;
  const bucketSec = TIER_BUCKET_SECONDS[plan.tier];
  // The samples cover the series from its first bucket with data to its last: a step at
  // either end counts only the seconds inside that span.
  const data = {
    firstSec: Math.min(...rows.map((r) => Number(r.first_bucket))),
    endSec: Math.max(...rows.map((r) => Number(r.last_bucket))) + bucketSec,
  };
  let allCalls = 0;
  let histogramCalls = 0;
  const points = rows.map((r, i) => {
    const t = Number(r.t);
    const calls = Number(r.calls_total);
    allCalls += calls;
    histogramCalls += totalOf(lat[i]!);
    const seconds = coveredSeconds(
      { fromSec: Math.max(t, plan.fromSec), toSec: Math.min(t + plan.stepSec, plan.toSec) },
      data,
    );
    return {
      t,
      calls,
      callsPerSec: rounded(calls / seconds),
      usecPerCall: calls > 0 ? rounded(Number(r.usec_total) / calls) : null,
      ...percentiles(commandBuckets(chosen[i]!)),
    };
  });
  return {
    tier: plan.tier,
    fromSec: plan.fromSec,
    toSec: plan.toSec,
    stepSec: plan.stepSec,
    basis,
    histogramCoverage: histogramCoverage(histogramCalls, allCalls),
    points,
    buckets: chosen,
  };
}

/** Heatmap rows: every bucket from the fastest to the slowest present, counts per step. */
export function heatmapOf(series: SeriesResult) {
  const present = new Set<number>();
  for (const m of series.buckets) for (const k of m.keys()) present.add(k);
  const ks = [...present].sort((a, b) => a - b);
  const buckets =
    ks.length === 0
      ? []
      : Array.from({ length: ks.at(-1)! - ks[0]! + 1 }, (_, i) => ks[0]! + i).map((k) => ({
          bucket: k,
          lowerUs: bucketLowerUs(k),
          upperUs: bucketUpperUs(k),
        }));
  return {
    buckets,
    points: series.points.map((p, i) => ({
      t: p.t,
      counts: buckets.map((b) => series.buckets[i]!.get(b.bucket) ?? 0),
    })),
  };
}

export interface SummaryResult {
  tiers: LatencyTier[];
  fromSec: number;
  toSec: number;
  coveredSeconds: number;
  items: Summary[];
}

interface CommandTotals extends CommandSums {
  command: string;
  firstSec: number;
  endSec: number;
}

/**
 * Per-command sums over the parts of a range: one query for a range within the per-sample
 * table, cached pieces (latency-pieces.ts) for minute and hour parts.
 */
async function summaryRows(
  app: FastifyInstance,
  f: LatencyFilter,
  parts: readonly RangePart[],
  toSec: number,
): Promise<CommandTotals[]> {
  if (parts.some((p) => p.tier === 'raw')) {
    const rows = await cachedRows<SummaryRow>(app, latencySummarySql(f, parts), {
      cluster: f.cluster,
      fromSec: parts[0]!.fromSec,
      toSec,
    });
    return rows.map((r) => ({
      command: r.command,
      calls: Number(r.calls_total),
      usec: Number(r.usec_total),
      lat: toBucketMap(r.lat),
      means: toBucketMap(r.means),
      firstSec: Number(r.first_s),
      endSec: Number(r.end_s),
    }));
  }
  const sums = await piecedSums(app, f, parts);
  return [...sums.byCommand].map(([command, s]) => ({ command, ...s, firstSec: sums.firstSec, endSec: sums.endSec }));
}

export type SummaryOrder = 'usec_per_call' | 'p50' | 'p90' | 'p99' | 'p999' | 'calls' | 'total_usec';

const ORDER_VALUE: Record<SummaryOrder, (s: Summary) => number> = {
  usec_per_call: (s) => s.usecPerCall,
  p50: (s) => s.p50 ?? -1,
  p90: (s) => s.p90 ?? -1,
  p99: (s) => s.p99 ?? -1,
  p999: (s) => s.p999 ?? -1,
  calls: (s) => s.calls,
  total_usec: (s) => s.totalUsec,
};

export async function loadSummary(
  app: FastifyInstance,
  f: LatencyFilter,
  range: { fromSec: number; toSec: number },
  opts: { order: SummaryOrder; limit: number; minCalls: number },
): Promise<SummaryResult> {
  const parts = planSummary(range);
  const covered = coveredRange(parts);
  const rows = await summaryRows(app, f, parts, covered.toSec);
  const seconds = coveredSeconds(covered, {
    firstSec: Math.min(...rows.map((r) => r.firstSec)),
    endSec: Math.max(...rows.map((r) => r.endSec)),
  });
  const wanted = f.commands && f.commands.length > 0 ? new Set(f.commands) : null;
  const items = rows
    .filter((r) => (wanted ? wanted.has(r.command) : true) && r.calls >= opts.minCalls)
    .map((r): Summary => {
      const chosen = chooseBasis(r.lat, r.means);
      return {
        command: r.command,
        calls: r.calls,
        callsPerSec: rounded(r.calls / seconds),
        usecPerCall: r.calls > 0 ? rounded(r.usec / r.calls) : 0,
        totalUsec: r.usec,
        basis: chosen.basis,
        histogramCoverage: histogramCoverage(totalOf(r.lat), r.calls),
        ...percentiles(commandBuckets(chosen.buckets)),
      };
    });
  const value = ORDER_VALUE[opts.order];
  items.sort((a, b) => value(b) - value(a) || a.command.localeCompare(b.command));
  return {
    tiers: [...new Set(parts.map((p) => p.tier))],
    fromSec: covered.fromSec,
    toSec: covered.toSec,
    coveredSeconds: rows.length > 0 ? rounded(seconds) : 0,
    items: items.slice(0, opts.limit),
  };
}

export interface TailResult {
  tiers: LatencyTier[];
  fromSec: number;
  toSec: number;
  basis: Basis;
  calls: number;
  p99: number | null;
  tailBucket: { lowerUs: number; upperUs: number } | null;
  tailCalls: number;
  items: Array<Static<typeof TailInstance>>;
}

/**
 * Who makes the tail: the cluster's buckets are the sum of its instances'; the bucket that
 * holds the cluster's p99 and every slower one are "the tail", and instances are ranked by
 * how many of their calls fell there.
 */
export async function loadTail(
  app: FastifyInstance,
  f: LatencyFilter,
  range: { fromSec: number; toSec: number },
  limit: number,
): Promise<TailResult> {
  const parts = planSummary(range);
  const covered = coveredRange(parts);
  const rows = await cachedRows<InstanceRow>(app, latencyByInstanceSql({ ...f, instance: undefined }, parts), {
    cluster: f.cluster,
    ...covered,
  });
  const perInstance = rows.map((r) => ({ r, lat: toBucketMap(r.lat) }));
  const cluster: BucketMap = new Map();
  for (const x of perInstance) addInto(cluster, x.lat);
  const p = percentiles(commandBuckets(cluster));
  const tailFrom = [...cluster.keys()].find((k) => bucketUpperUs(k) === p.bounds.p99?.upperUs);
  const tailOf = (m: BucketMap) => {
    let n = 0;
    if (tailFrom !== undefined) for (const [k, c] of m) if (k >= tailFrom) n += c;
    return n;
  };
  const tailCalls = tailOf(cluster);
  const items = perInstance
    .map(({ r, lat }) => {
      const calls = totalOf(lat);
      const tail = tailOf(lat);
      const allCalls = Number(r.calls_total);
      return {
        instance: r.instance,
        calls,
        tailCalls: tail,
        tailShare: tailCalls > 0 ? rounded(tail / tailCalls) : 0,
        tailFraction: calls > 0 ? rounded(tail / calls) : 0,
        usecPerCall: allCalls > 0 ? rounded(Number(r.usec_total) / allCalls) : null,
        p99: percentiles(commandBuckets(lat)).p99,
      };
    })
    .filter((x) => x.calls > 0)
    .sort(
      (a, b) => b.tailCalls - a.tailCalls || b.tailFraction - a.tailFraction || a.instance.localeCompare(b.instance),
    );
  return {
    tiers: [...new Set(parts.map((x) => x.tier))],
    fromSec: covered.fromSec,
    toSec: covered.toSec,
    basis: cluster.size > 0 ? 'calls' : 'none',
    calls: totalOf(cluster),
    p99: p.p99,
    tailBucket: p.bounds.p99,
    tailCalls,
    items: items.slice(0, limit),
  };
}

export interface InstancesResult {
  tiers: LatencyTier[];
  fromSec: number;
  toSec: number;
  items: Array<Static<typeof InstanceSides>>;
}

/** Per instance: execution inside Redis beside the PING probe's round trip. */
export async function loadInstances(
  app: FastifyInstance,
  f: LatencyFilter,
  range: { fromSec: number; toSec: number },
): Promise<InstancesResult> {
  const parts = planSummary(range);
  const covered = coveredRange(parts);
  const [exec, probes] = await Promise.all([
    cachedRows<InstanceRow>(app, latencyByInstanceSql(f, parts), { cluster: f.cluster, ...covered }),
    // PING probes are not info samples: late probes show when this entry expires (≤ 5 min).
    cachedRows<ProbeRow>(app, probesByInstanceSql(f, parts), { cluster: f.cluster, ...covered }),
  ]);
  const byInstance = new Map(probes.map((p) => [p.instance, p]));
  const names = [...new Set([...exec.map((e) => e.instance), ...probes.map((p) => p.instance)])].sort();
  const execBy = new Map(exec.map((e) => [e.instance, e]));
  const items = names.map((instance) => {
    const e = execBy.get(instance);
    const p = byInstance.get(instance);
    const calls = Number(e?.calls_total ?? 0);
    const chosen = chooseBasis(toBucketMap(e?.lat), toBucketMap(e?.means));
    const pings = Number(p?.pings ?? 0);
    return {
      instance,
      execution: {
        calls,
        usecPerCall: calls > 0 ? rounded(Number(e!.usec_total) / calls) : null,
        basis: chosen.basis,
        ...percentiles(commandBuckets(chosen.buckets)),
      },
      roundTrip: {
        pings,
        failed: Number(p?.failed ?? 0),
        meanUs: pings > 0 ? rounded(Number(p!.round_trip_us) / pings) : null,
        ...percentiles(probeBuckets(toBucketMap(p?.rtt))),
      },
    };
  });
  return { tiers: [...new Set(parts.map((x) => x.tier))], fromSec: covered.fromSec, toSec: covered.toSec, items };
}
