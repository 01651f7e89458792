// Per-command sums over ranges longer than an hour, assembled from cached pieces — the way
// Prometheus query frontends (Cortex, Thanos, Mimir) split a query by interval and cache
// each interval. Counts only add up, so the sums of a range are the sums of its pieces:
//   a day of hour rows  (command_histograms_1h, one query per UTC day) for whole hours,
//   an hour of minute rows (command_histograms_1m, one query per hour) for the edges.
// Two requests whose windows differ by a minute share every piece but the minute at the
// edge, which is cached too, so a dashboard or a crowd of developers asking about "the last
// 24 h" from different moments costs ClickHouse a query per new hour or day, not one each.
//
// A piece holds running totals per command (row i = the sum of the piece's buckets before
// the i-th), so the sum over any whole-bucket span inside it is one subtraction per value,
// whatever the span's length: a 24 h answer adds up ~4 pieces × commands × ~10 numbers.
//
// Freshness: a piece reaching into the last two minutes is kept 5 s, an older one as long
// as finished results (plugins/caches.ts: 5 min) — unless samples for its span arrive
// later (a collector's spill after a Kafka outage, a processor catching up): then it is
// loaded again on the next request (late-data.ts).
import type { FastifyInstance } from 'fastify';
import { identifier, sql, type SqlFragment } from '../common/sql.ts';
import { cachedUnlessLate } from './late-data.ts';
import type { BucketMap } from './latency-figures.ts';
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

/**
 * One command's rows in a piece as running totals: `cum` has (rows + 1) rows of `width`
 * numbers — calls, µs, then latency buckets latLo… and mean buckets meanLo… — and row i
 * is the sum of the piece's first i buckets (row 0 all zeros).
 */
interface CommandTotals {
  latLo: number;
  latWidth: number;
  meanLo: number;
  meanWidth: number;
  width: number;
  cum: Float64Array;
}

/** A cached piece: the bucket starts (unix s) with data for any command, ascending, and every command's totals over them. */
export interface Piece {
  starts: number[];
  commands: Map<string, CommandTotals>;
}

export interface PieceRow {
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

/** Lowest key and width of a sparse bucket list (width 0 when empty). */
function keyRange(keys: ReadonlyArray<number | string>): [number, number] {
  if (keys.length === 0) return [0, 0];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const k of keys) {
    const n = Number(k);
    if (n < lo) lo = n;
    if (n > hi) hi = n;
  }
  return [lo, hi - lo + 1];
}

/** Rows of one piece query → running totals per command. Pure; exported for tests. */
export function buildPiece(rows: readonly PieceRow[]): Piece {
  const starts = [...new Set(rows.map((r) => Number(r.b)))].sort((a, b) => a - b);
  const index = new Map(starts.map((b, i) => [b, i]));
  const byCommand = new Map<string, PieceRow[]>();
  for (const r of rows) {
    const list = byCommand.get(r.command) ?? [];
    byCommand.set(r.command, list);
    list.push(r);
  }
  const commands = new Map<string, CommandTotals>();
  for (const [command, list] of byCommand) {
    const [latLo, latWidth] = keyRange(list.flatMap((r) => r.lat[0]));
    const [meanLo, meanWidth] = keyRange(list.flatMap((r) => r.means[0]));
    const width = 2 + latWidth + meanWidth;
    // Per bucket first, then accumulated down the rows.
    const cum = new Float64Array((starts.length + 1) * width);
    const add = (at: number, n: number) => {
      cum[at] = cum[at]! + n;
    };
    for (const r of list) {
      const o = (index.get(Number(r.b))! + 1) * width;
      add(o, Number(r.calls_total));
      add(o + 1, Number(r.usec_total));
      for (let j = 0; j < r.lat[0].length; j++) add(o + 2 + Number(r.lat[0][j]) - latLo, Number(r.lat[1][j]));
      for (let j = 0; j < r.means[0].length; j++)
        add(o + 2 + latWidth + Number(r.means[0][j]) - meanLo, Number(r.means[1][j]));
    }
    for (let i = 1; i <= starts.length; i++)
      for (let c = 0; c < width; c++) add(i * width + c, cum[(i - 1) * width + c]!);
    commands.set(command, { latLo, latWidth, meanLo, meanWidth, width, cum });
  }
  return { starts, commands };
}

/** Index of the first start ≥ t. */
function lowerBound(starts: readonly number[], t: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function piece(
  app: FastifyInstance,
  f: { database: string; cluster: string; instance?: string },
  kind: 'hour' | 'minute',
  start: number,
): Promise<Piece> {
  const query = pieceSql(f.database, f.cluster, f.instance ?? '', kind, start);
  const end = start + PIECE[kind].span;
  return cachedUnlessLate(
    app.pieceCache,
    app.lateArrivals,
    query.text,
    { cluster: f.cluster, fromSec: start, toSec: end },
    resultTtlMs(app.cacheTtls, end),
    async () => buildPiece(await selectRows<PieceRow>(app.clickhouse, query)),
  );
}

/** Dense sums of one command over a range, grown to the buckets its pieces hold. */
class Accumulator {
  calls = 0;
  usec = 0;
  private readonly lat = new Map<number, number>();
  private readonly means = new Map<number, number>();

  add(t: CommandTotals, i0: number, i1: number): void {
    const a = i0 * t.width;
    const b = i1 * t.width;
    const cum = t.cum;
    this.calls += cum[b]! - cum[a]!;
    this.usec += cum[b + 1]! - cum[a + 1]!;
    for (let j = 0; j < t.latWidth; j++) {
      const n = cum[b + 2 + j]! - cum[a + 2 + j]!;
      if (n !== 0) this.lat.set(t.latLo + j, (this.lat.get(t.latLo + j) ?? 0) + n);
    }
    for (let j = 0; j < t.meanWidth; j++) {
      const n = cum[b + 2 + t.latWidth + j]! - cum[a + 2 + t.latWidth + j]!;
      if (n !== 0) this.means.set(t.meanLo + j, (this.means.get(t.meanLo + j) ?? 0) + n);
    }
  }

  sums(): CommandSums {
    return { calls: this.calls, usec: this.usec, lat: this.lat, means: this.means };
  }

  get empty(): boolean {
    return this.calls === 0 && this.lat.size === 0 && this.means.size === 0;
  }
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
  const wanted: Array<{ kind: 'hour' | 'minute'; start: number; fromSec: number; toSec: number }> = [];
  for (const p of parts) {
    if (p.tier === 'raw') throw new Error('per-sample parts are read directly, not in pieces');
    const kind = p.tier;
    const span = PIECE[kind].span;
    for (let start = Math.floor(p.fromSec / span) * span; start < p.toSec; start += span)
      wanted.push({ kind, start, fromSec: Math.max(p.fromSec, start), toSec: Math.min(p.toSec, start + span) });
  }
  const pieces = await Promise.all(wanted.map((w) => piece(app, f, w.kind, w.start)));
  return sumPieces(pieces.map((p, k) => ({ piece: p, ...wanted[k]!, bucketSec: PIECE[wanted[k]!.kind].bucket })));
}

/** The sums of each piece's buckets that start in its [fromSec, toSec). Pure. */
export function sumPieces(
  spans: ReadonlyArray<{ piece: Piece; fromSec: number; toSec: number; bucketSec: number }>,
): PiecedSums {
  const acc = new Map<string, Accumulator>();
  let firstSec = Number.POSITIVE_INFINITY;
  let endSec = Number.NEGATIVE_INFINITY;
  for (const { piece: p, fromSec, toSec, bucketSec } of spans) {
    const i0 = lowerBound(p.starts, fromSec);
    const i1 = lowerBound(p.starts, toSec);
    if (i1 <= i0) continue;
    firstSec = Math.min(firstSec, p.starts[i0]!);
    endSec = Math.max(endSec, p.starts[i1 - 1]! + bucketSec);
    for (const [command, t] of p.commands) {
      let a = acc.get(command);
      if (!a) {
        a = new Accumulator();
        acc.set(command, a);
      }
      a.add(t, i0, i1);
    }
  }
  const byCommand = new Map<string, CommandSums>();
  for (const [command, a] of acc) if (!a.empty) byCommand.set(command, a.sums());
  return { byCommand, firstSec, endSec };
}
