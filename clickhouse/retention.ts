// Retention by dropping whole daily (toYYYYMMDD) or monthly (toYYYYMM) partitions —
// the one way that works on ClickHouse 18.16 (no TTL) and current releases alike, and
// far cheaper than deleting rows. Tables without a date partition (state tables,
// watermarks) are never touched. Safe to run from every processor: dropping a
// partition that is already gone is a no-op.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { identifier, sql, type SqlFragment } from '../common/sql.ts';

export interface RetentionPolicy {
  /** Days kept for tables not listed in `tables`. */
  defaultDays: number;
  /** Days kept per table name. */
  tables: Record<string, number>;
}

export interface PartitionRef {
  table: string;
  partition: string;
}

/** The last day (UTC, as YYYYMMDD) a partition id covers, or undefined for non-date partitions. */
export function partitionLastDay(partition: string): number | undefined {
  if (/^\d{8}$/.test(partition)) return Number(partition);
  if (/^\d{6}$/.test(partition)) {
    const y = Number(partition.slice(0, 4));
    const m = Number(partition.slice(4, 6));
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate(); // day 0 of the next month
    return Number(partition) * 100 + last;
  }
  return undefined;
}

function yyyymmdd(d: Date): number {
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** Partitions entirely older than their table's retention. Pure. */
export function partitionsToDrop(
  parts: readonly PartitionRef[],
  nowMs: number,
  policy: RetentionPolicy,
): PartitionRef[] {
  return parts.filter((p) => {
    const last = partitionLastDay(p.partition);
    if (last === undefined) return false;
    const days = policy.tables[p.table] ?? policy.defaultDays;
    const cutoff = yyyymmdd(new Date(nowMs - days * 86_400_000));
    return last < cutoff;
  });
}

export function partitionsSql(database: string): SqlFragment {
  return sql`SELECT table, partition FROM system.parts WHERE database = ${database} AND active GROUP BY table, partition ORDER BY table, partition`;
}

export function dropPartitionSql(database: string, p: PartitionRef): SqlFragment {
  if (partitionLastDay(p.partition) === undefined) throw new Error(`not a date partition: ${p.partition}`);
  return sql`ALTER TABLE ${identifier(`${database}.${p.table}`)} DROP PARTITION ${Number(p.partition)}`;
}

export async function applyRetention(
  client: ClickHouseClient,
  database: string,
  policy: RetentionPolicy,
  nowMs = Date.now(),
): Promise<PartitionRef[]> {
  const rs = await client.query({ query: partitionsSql(database).text, format: 'JSONEachRow' });
  const parts = await rs.json<PartitionRef>();
  const drop = partitionsToDrop(parts, nowMs, policy);
  for (const p of drop) await client.command({ query: dropPartitionSql(database, p).text });
  return drop;
}
