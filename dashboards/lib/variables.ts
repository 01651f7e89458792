// Template variables filled by a ClickHouse query. The plugin takes the first column of the
// result as both text and value. Queries carry $__timeFilter(ts) and refresh with the time
// range so that a month of samples is never scanned just to list names.
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

export const clusterVariable = () =>
  sqlVariable({
    name: 'cluster',
    label: 'Cluster',
    multi: true,
    sql: 'SELECT DISTINCT cluster FROM info_samples WHERE $__timeFilter(ts) ORDER BY cluster',
  });

/** Instances of the selected clusters; `multi: false` for dashboards about one instance. */
export const instanceVariable = (multi: boolean) =>
  sqlVariable({
    name: 'instance',
    label: 'Instance',
    multi,
    sql: `SELECT DISTINCT instance FROM info_samples WHERE $__timeFilter(ts) AND ${clusterFilter} ORDER BY instance`,
  });
