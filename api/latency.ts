// Latency series and per-command summaries, through the result cache (plugins/caches.ts):
// identical questions within a few seconds cost one ClickHouse query.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { resultTtlMs } from './plugins/caches.ts';
import { coveredRange, planSeries, planSummary, type LatencyTier } from './queries/latency-tier.ts';
import {
  latencySeriesSql,
  latencySummarySql,
  type LatencyFilter,
  type SeriesRow,
  type SummaryOrder,
  type SummaryRow,
} from './queries/latency.ts';
import { selectRows } from './queries/run.ts';
import type { CommandLatency, LatencyPoint } from './schemas/latency.ts';
import type { TimeRange } from './schemas/time-range.ts';

type Point = Static<typeof LatencyPoint>;
type Summary = Static<typeof CommandLatency>;

const finite = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function percentiles(q: readonly number[] | undefined) {
  return { p50: finite(q?.[0]), p90: finite(q?.[1]), p99: finite(q?.[2]), p999: finite(q?.[3]) };
}

function cached<T extends NonNullable<unknown>>(
  app: FastifyInstance,
  key: string,
  toSec: number,
  load: () => Promise<T>,
): Promise<T> {
  return app.resultCache.getOrLoad(key, resultTtlMs(app.cacheTtls, toSec), load) as Promise<T>;
}

export interface SeriesResult {
  tier: LatencyTier;
  fromSec: number;
  toSec: number;
  stepSec: number;
  points: Point[];
}

export async function loadSeries(app: FastifyInstance, f: LatencyFilter, range: TimeRange): Promise<SeriesResult> {
  const plan = planSeries(range);
  const query = latencySeriesSql(f, plan);
  const rows = await cached(app, query.text, plan.toSec, () => selectRows<SeriesRow>(app.clickhouse, query));
  const points = rows.map((r) => {
    const t = Number(r.t);
    // Calls per second over the part of the step inside the covered range.
    const seconds = Math.max(1, Math.min(t + plan.stepSec, plan.toSec) - Math.max(t, plan.fromSec));
    const calls = Number(r.calls_total);
    return {
      t,
      callsPerSec: calls / seconds,
      usecPerCall: calls > 0 ? Number(r.usec_total) / calls : null,
      ...percentiles(r.q),
    };
  });
  return { tier: plan.tier, fromSec: plan.fromSec, toSec: plan.toSec, stepSec: plan.stepSec, points };
}

export interface SummaryResult {
  tiers: LatencyTier[];
  fromSec: number;
  toSec: number;
  items: Summary[];
}

export async function loadSummary(
  app: FastifyInstance,
  f: LatencyFilter,
  range: { fromSec: number; toSec: number },
  opts: { order: SummaryOrder; limit: number; minCalls: number },
): Promise<SummaryResult> {
  const parts = planSummary(range);
  const covered = coveredRange(parts);
  const query = latencySummarySql(f, parts, opts);
  const rows = await cached(app, query.text, covered.toSec, () => selectRows<SummaryRow>(app.clickhouse, query));
  const seconds = covered.toSec - covered.fromSec;
  const items = rows.map((r) => {
    const calls = Number(r.calls_total);
    const usec = Number(r.usec_total);
    return {
      command: r.command,
      calls,
      callsPerSec: calls / seconds,
      usecPerCall: calls > 0 ? usec / calls : 0,
      totalUsec: usec,
      ...percentiles(r.q),
    };
  });
  return { tiers: [...new Set(parts.map((p) => p.tier))], fromSec: covered.fromSec, toSec: covered.toSec, items };
}
