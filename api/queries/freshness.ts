// Pipeline freshness: how far behind real time the newest stored sample is, per table and
// cluster (now − max(ts_ms)). Only tables fed on a schedule are listed — slowlog and
// latency events arrive when something happens, so their age says nothing about the pipeline.
// Each table is looked at over a bounded window (its partitions and key prune the scan); a
// table with nothing in its window is reported as such, not scanned further back.
import { identifier, joinSql, sql, SqlFragment } from '../../common/sql.ts';

export interface FreshnessTable {
  table: string;
  /** The sample's own time (unix ms) column. */
  column: string;
  /** Looked at over max(window, this): keyspace scans come hours apart. */
  minWindowSec: number;
  /** What the default configuration sends, for context. */
  expectedEveryMs: number;
}

export const FRESHNESS_TABLES: readonly FreshnessTable[] = [
  { table: 'info_samples', column: 'ts_ms', minWindowSec: 0, expectedEveryMs: 1000 },
  { table: 'topology_samples', column: 'ts_ms', minWindowSec: 0, expectedEveryMs: 1000 },
  { table: 'latency_probes', column: 'ts_ms', minWindowSec: 0, expectedEveryMs: 1000 },
  { table: 'client_summaries', column: 'ts_ms', minWindowSec: 0, expectedEveryMs: 15_000 },
  { table: 'config_audits', column: 'ts_ms', minWindowSec: 3600, expectedEveryMs: 300_000 },
  { table: 'hot_keys', column: 'ts_ms', minWindowSec: 3600, expectedEveryMs: 300_000 },
  { table: 'key_patterns', column: 'ts_ms', minWindowSec: 2 * 86400, expectedEveryMs: 6 * 3_600_000 },
];

export interface FreshnessRow {
  table_name: string;
  cluster: string;
  newest_ms: string;
  window_s: number;
}

export function freshnessSql(
  database: string,
  opts: { cluster?: string; windowSec: number; nowSec: number },
): SqlFragment {
  const parts = FRESHNESS_TABLES.map((t) => {
    const windowSec = Math.max(opts.windowSec, t.minWindowSec);
    const clusterFilter = opts.cluster !== undefined ? sql` AND cluster = ${opts.cluster}` : new SqlFragment('');
    return sql`SELECT ${t.table} AS table_name, cluster, max(${identifier(t.column)}) AS newest_ms, toUInt32(${windowSec}) AS window_s
FROM ${identifier(`${database}.${t.table}`)}
WHERE ts >= toDateTime(${opts.nowSec - windowSec})${clusterFilter}
GROUP BY cluster`;
  });
  return sql`SELECT table_name, cluster, newest_ms, window_s FROM (${joinSql(parts, '\nUNION ALL\n')}) ORDER BY table_name, cluster`;
}
