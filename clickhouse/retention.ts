// Retention by dropping whole daily (toYYYYMMDD) or monthly (toYYYYMM) partitions —
// the one way that works on ClickHouse 18.16 (no TTL) and current releases alike, and
// far cheaper than deleting rows. Tables without a date partition (state tables,
// watermarks) are never touched. Safe to run from every processor: dropping a
// partition that is already gone is a no-op.
//
// On a cluster the partitions of every shard are listed (derived.ts: `cluster_parts`, a
// Distributed table over system.parts) and dropped ON CLUSTER from the shard-local
// tables; a replicated table drops a partition on all its replicas.
//
// On servers with TTL (schema-target.ts) each dated table also gets a TTL of the same
// length with `ttl_only_drop_parts`, so the server drops whole parts itself between runs;
// the hourly drop stays, harmless, as the one mechanism every version shares.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { identifier, sql, type SqlFragment } from '../common/sql.ts';
import { CLUSTER_PARTS } from './derived.ts';
import { LOCAL_SUFFIX } from './expand.ts';
import { featuresOf, serverVersion } from './schema-target.ts';

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

/** Active partitions per table (on a cluster: of every shard, local table names without their suffix). */
export function partitionsSql(database: string, cluster: string | null = null): SqlFragment {
  if (!cluster)
    return sql`SELECT table, partition FROM system.parts WHERE database = ${database} AND active GROUP BY table, partition ORDER BY table, partition`;
  const parts = identifier(`${database}.${CLUSTER_PARTS}`);
  return sql`SELECT substring(table, 1, length(table) - ${LOCAL_SUFFIX.length}) AS table, partition FROM ${parts} WHERE database = ${database} AND active AND endsWith(table, ${LOCAL_SUFFIX}) GROUP BY table, partition ORDER BY table, partition`;
}

export function dropPartitionSql(database: string, p: PartitionRef, cluster: string | null = null): SqlFragment {
  if (partitionLastDay(p.partition) === undefined) throw new Error(`not a date partition: ${p.partition}`);
  if (!cluster) return sql`ALTER TABLE ${identifier(`${database}.${p.table}`)} DROP PARTITION ${Number(p.partition)}`;
  return sql`ALTER TABLE ${identifier(`${database}.${p.table}${LOCAL_SUFFIX}`)} ON CLUSTER ${identifier(cluster)} DROP PARTITION ${Number(p.partition)}`;
}

export interface DatedTable {
  /** As in system.tables (with the local suffix on a cluster). */
  name: string;
  /** system.tables.partition_key, e.g. `toYYYYMMDD(ts)`. */
  partitionKey: string;
  /** system.tables.engine_full: holds the current TTL, if any. */
  engineFull: string;
}

/** The tables whose partition key is a date of a column, and their TTL statements where the TTL differs. Pure. */
export function ttlStatements(
  database: string,
  tables: readonly DatedTable[],
  policy: RetentionPolicy,
  cluster: string | null = null,
): string[] {
  const out: string[] = [];
  for (const t of tables) {
    const column = /^toYYYYMM(?:DD)?\((\w+)\)$/.exec(t.partitionKey.replace(/\s/g, ''))?.[1];
    if (!column) continue;
    const logical = cluster ? t.name.replace(new RegExp(`${LOCAL_SUFFIX}$`), '') : t.name;
    const days = policy.tables[logical] ?? policy.defaultDays;
    // Parts are dropped when all their rows are older than this: whole days, as the hourly drop does.
    const ttl = `${column} + toIntervalDay(${days})`;
    if (t.engineFull.includes(`TTL ${ttl}`) && t.engineFull.includes('ttl_only_drop_parts = 1')) continue;
    const table = `${identifier(`${database}.${t.name}`).text}${cluster ? ` ON CLUSTER ${identifier(cluster).text}` : ''}`;
    out.push(`ALTER TABLE ${table} MODIFY SETTING ttl_only_drop_parts = 1`);
    out.push(`ALTER TABLE ${table} MODIFY TTL ${ttl}`);
  }
  return out;
}

export function datedTablesSql(database: string): SqlFragment {
  return sql`SELECT name, partition_key AS partitionKey, engine_full AS engineFull FROM system.tables WHERE database = ${database} AND engine LIKE '%MergeTree' AND partition_key != ''`;
}

export async function applyRetention(
  client: ClickHouseClient,
  database: string,
  policy: RetentionPolicy,
  opts: { cluster?: string | null; nowMs?: number } = {},
): Promise<PartitionRef[]> {
  const cluster = opts.cluster ?? null;
  const rs = await client.query({ query: partitionsSql(database, cluster).text, format: 'JSONEachRow' });
  const parts = await rs.json<PartitionRef>();
  const drop = partitionsToDrop(parts, opts.nowMs ?? Date.now(), policy);
  for (const p of drop) await client.command({ query: dropPartitionSql(database, p, cluster).text });
  if (featuresOf(await serverVersion(client)).ttl) {
    const tables = await (
      await client.query({ query: datedTablesSql(database).text, format: 'JSONEachRow' })
    ).json<DatedTable>();
    // Existing parts are not rewritten for the new TTL; they age out as they would anyway.
    for (const statement of ttlStatements(database, tables, policy, cluster))
      await client.command({ query: statement, clickhouse_settings: { materialize_ttl_after_modify: 0 } });
  }
  return drop;
}
