// SQL over the minute rollups (clickhouse/migrations/0060_dashboard_rollups.sql): what
// panels over a time range read instead of per-second samples. Rows are -State
// aggregates, so every read merges them (-Merge) in a GROUP BY.
import { clusterFilter } from './sql.ts';

/** Start of the panel's time bucket, from a rollup's minute `bucket`. Panels use minInterval '1m'. */
export const rollupBucket = 'toDateTime(intDiv(toUInt32(bucket), $__interval_s) * $__interval_s)';

/** Minutes of the range on a rollup. */
export const inRange = '$__timeFilter(bucket)';

/**
 * The last two minutes before the end of the range: "now" on a live dashboard. Two, so the
 * minute that has just begun (few samples yet) is never all there is.
 */
export const lastMinutes = 'bucket >= $__toTime - 120 AND bucket <= $__toTime';

/** Seen in the 30 s before the end of the range (last_ms of info_1m, merged). */
export const seenLast30s = 'maxMerge(last_ms) >= (toUInt32($__toTime) - 30) * 1000';

/** An averaged gauge of info_1m (used_memory, maxmemory, connected_clients, …). */
export const gauge = (column: string) => `avgIfMerge(${column})`;

/** Increase per second of a counter kept in info_1m as `<name>_first` / `<name>_last`. */
export const counterRate = (name: string) =>
  `greatest(argMaxIfMerge(${name}_last) - argMinIfMerge(${name}_first), 0) / greatest((maxMerge(last_ms) - minMerge(first_ms)) / 1000, 1)`;

export interface InfoSeries {
  /** Value columns: name → per-instance expression over info_1m (gauge(…), counterRate(…)). */
  values: Readonly<Record<string, string>>;
  /** Keep masters only (by each instance's latest role in the bucket). */
  mastersOnly?: boolean;
}

/**
 * One series per cluster (and value): each instance's value per bucket, summed over the
 * instances of the cluster. Per-instance columns are named i_<name>: `sum(x) AS x` over a
 * subquery column x loops in 18.16's alias resolution.
 */
export function infoClusterSeries(o: InfoSeries): string {
  const names = Object.keys(o.values);
  return [
    `SELECT t, cluster, ${names.map((n) => `sum(i_${n}) AS ${n}`).join(', ')}`,
    'FROM (',
    `    SELECT ${rollupBucket} AS t, cluster, instance, ${names.map((n) => `${o.values[n]} AS i_${n}`).join(', ')}`,
    '    FROM info_1m',
    `    WHERE ${inRange} AND ${clusterFilter}`,
    '    GROUP BY t, cluster, instance',
    ...(o.mastersOnly ? ["    HAVING argMaxMerge(last_role) = 'master'"] : []),
    ')',
    'GROUP BY t, cluster',
    'ORDER BY t',
  ].join('\n');
}
