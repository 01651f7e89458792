// Per-command sums over ranges longer than an hour, assembled from cached pieces — the way
// Prometheus query frontends (Cortex, Thanos, Mimir) split a query by interval and cache
// each interval. Counts only add up, so the sums of a range are the sums of its pieces:
//   a day of hour rows  (command_histograms_1h, one query per UTC day) for whole hours,
//   an hour of minute rows (command_histograms_1m, one query per hour) for the edges.
// Two requests whose windows differ by a minute share every piece but the minute at the
// edge, which is cached too, so a dashboard or a crowd of developers asking about "the last
// 24 h" from different moments costs ClickHouse a query per new hour or day, not one each.
// A piece that ends more than two minutes ago is kept as long as finished results
// (plugins/caches.ts: 5 min), a newer one a few seconds: late rows show up within that.
import type { FastifyInstance } from 'fastify';
import { identifier, sql, type SqlFragment } from '../common/sql.ts';
import { addInto, toBucketMap, type BucketMap } from './latency-figures.ts';
import { resultTtlMs } from './plugins/caches.ts';
import type { RangePart } from './queries/latency-tier.ts';
import type { SparseCounts } from './queries/latency.ts';
import { selectRows } from './queries/run.ts';

export interface CommandSums {
  calls: number;
  usec: number;
  lat: BucketMap;
  means: BucketMap;
}

/** Bucket start (unix s) → command → sums: one cached piece. */
type Piece = Map<number, Map<string, CommandSums>>;

interface PieceRow {
  b: number;
  command: string;
  calls_total: string;
  usec_total: string;
  lat: SparseCounts;
  means: SparseCounts;
}

const PIECE = {
  hour: { table: 'command_histograms_1h', span: 86400, bucket: 3600 },
  minute: { table: 'command_histograms_1m', span: 3600, bucket: 60 },
} as const;

export function pieceSql(
  database: string,
  cluster: string,
  scope: string,
  kind: 'hour' | 'minute',
  start: number,
): SqlFragment {
  const p = PIECE[kind];
  return sql`SELECT toUInt32(bucket) AS b, command, sum(calls) AS calls_total, sum(usec) AS usec_total,
    sumMap(latencyMap.le, latencyMap.n) AS lat, sumMap(meanMap.le, meanMap.n) AS means
FROM ${identifier(`${database}.${p.table}`)}
WHERE cluster = ${cluster} AND instance = ${scope} AND bucket >= toDateTime(${start}) AND bucket < toDateTime(${start + p.span})
GROUP BY b, command`;
}

async function piece(
  app: FastifyInstance,
  f: { database: string; cluster: string; instance?: string },
  kind: 'hour' | 'minute',
  start: number,
): Promise<Piece> {
  const query = pieceSql(f.database, f.cluster, f.instance ?? '', kind, start);
  const ttl = resultTtlMs(app.cacheTtls, start + PIECE[kind].span);
  return app.pieceCache.getOrLoad(query.text, ttl, async () => {
    const out: Piece = new Map();
    for (const r of await selectRows<PieceRow>(app.clickhouse, query)) {
      const b = Number(r.b);
      let byCommand = out.get(b);
      if (!byCommand) {
        byCommand = new Map();
        out.set(b, byCommand);
      }
      byCommand.set(r.command, {
        calls: Number(r.calls_total),
        usec: Number(r.usec_total),
        lat: toBucketMap(r.lat),
        means: toBucketMap(r.means),
      });
    }
    return out;
  }) as Promise<Piece>;
}

export interface PiecedSums {
  byCommand: Map<string, CommandSums>;
  /** First bucket start and last bucket end with data, unix s (Infinity / -Infinity when none). */
  firstSec: number;
  endSec: number;
}

/** Per-command sums over the minute and hour parts of a range (planSummary), from cached pieces. */
export async function piecedSums(
  app: FastifyInstance,
  f: { database: string; cluster: string; instance?: string },
  parts: readonly RangePart[],
): Promise<PiecedSums> {
  const wanted: Array<{ kind: 'hour' | 'minute'; start: number; from: number; to: number }> = [];
  for (const p of parts) {
    if (p.tier === 'raw') throw new Error('per-sample parts are read directly, not in pieces');
    const kind = p.tier;
    const span = PIECE[kind].span;
    for (let start = Math.floor(p.fromSec / span) * span; start < p.toSec; start += span)
      wanted.push({ kind, start, from: p.fromSec, to: p.toSec });
  }
  const pieces = await Promise.all(wanted.map((w) => piece(app, f, w.kind, w.start)));
  const byCommand = new Map<string, CommandSums>();
  let firstSec = Number.POSITIVE_INFINITY;
  let endSec = Number.NEGATIVE_INFINITY;
  pieces.forEach((p, i) => {
    const w = wanted[i]!;
    for (const [b, commands] of p) {
      if (b < w.from || b >= w.to) continue;
      firstSec = Math.min(firstSec, b);
      endSec = Math.max(endSec, b + PIECE[w.kind].bucket);
      for (const [command, s] of commands) {
        const into = byCommand.get(command);
        if (!into)
          byCommand.set(command, { calls: s.calls, usec: s.usec, lat: new Map(s.lat), means: new Map(s.means) });
        else {
          into.calls += s.calls;
          into.usec += s.usec;
          addInto(into.lat, s.lat);
          addInto(into.means, s.means);
        }
      }
    }
  });
  return { byCommand, firstSec, endSec };
}
