// Template variables filled by a ClickHouse query. The plugin takes the first column of the
// result as both text and value. Names come from instance_inventory (one row per instance
// after merges, see 0011_rollups.sql) rather than from samples: listing 2,000 instances
// must not scan an hour of 7 M samples. Only those seen since the start of the range are
// listed, and the lists refresh with the time range.
import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { CLICKHOUSE_DATASOURCE } from './datasource.ts';
import { clusterFilter } from './sql.ts';

export interface SqlVariable {
  name: string;
  label: string;
  sql: string;
  /** Several values plus an "All" entry; panels use $__conditionalAll(…) for these. */
  multi: boolean;
}

export function sqlVariable(v: SqlVariable): QueryVariableBuilder {
  return new QueryVariableBuilder(v.name)
    .label(v.label)
    .datasource({ ...CLICKHOUSE_DATASOURCE })
    .query(v.sql)
    .definition(v.sql)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(v.multi)
    .includeAll(v.multi);
}

/** An inventory group (cluster or instance) with a sample since the start of the range. */
const seenInRange = 'maxMerge(last_seen_ms) >= toUInt64(toUInt32($__fromTime)) * 1000';

export const clusterVariable = () =>
  sqlVariable({
    name: 'cluster',
    label: 'Cluster',
    multi: true,
    sql: `SELECT cluster FROM instance_inventory GROUP BY cluster HAVING ${seenInRange} ORDER BY cluster`,
  });

/** Instances of the selected clusters; `multi: false` for dashboards about one instance. */
export const instanceVariable = (multi: boolean): QueryVariableBuilder =>
  sqlVariable({
    name: 'instance',
    label: 'Instance',
    multi,
    sql: `SELECT instance FROM instance_inventory WHERE ${clusterFilter} GROUP BY instance HAVING ${seenInRange} ORDER BY instance`,
  });

/**
 * One command of the selected clusters (per-call latency rollup, cluster-wide rows), the
 * most called first, so the default is the busiest command.
 */
export const commandVariable = () =>
  sqlVariable({
    name: 'command',
    label: 'Command',
    multi: false,
    sql: `SELECT command FROM command_histograms_1m WHERE $__timeFilter(bucket) AND ${clusterFilter} AND instance = '' GROUP BY command ORDER BY sum(calls) DESC, command`,
  }).sort(VariableSort.Disabled);

/**
 * Instances where a rollup holds cluster-wide rows under instance = '' (command_histograms_*):
 * "All" becomes `''` — Grafana puts a custom all value in as written, unformatted, while
 * $__conditionalAll still sees All — so `instance IN (${instance:singlequote})` reads the
 * cluster-wide rows for All and the picked instances' rows otherwise, one condition on the
 * table's primary key either way.
 */
export const instanceOrClusterWideVariable = () => instanceVariable(true).allValue("''");
