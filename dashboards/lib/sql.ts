// SQL fragments for panel queries. Every query must run on ClickHouse 18.16 and on current
// releases (test/dashboards.test.ts runs them on both), which rules out a few things:
// - no `toStartOfInterval`, so neither the plugin's `$__timeInterval(ts)` macro: buckets are
//   `intDiv(toUInt32(ts), $__interval_s) * $__interval_s`;
// - no window functions, so counter rates are computed inside one bucket (last − first over
//   the time between them), which also makes a counter reset read as 0 instead of a spike;
// - no `WITH FILL`, no query parameters; and `sum(x) AS x` over a subquery column `x` loops
//   in 18.16's alias resolution, so per-instance columns are named `i_<field>`.
// INFO fields live in parallel arrays (metric_names/metric_values, text_names/text_values,
// see clickhouse/migrations/0001_info_samples.sql); `arrayElement(…, indexOf(…))`
// reads one, and `has(metric_names, …)` keeps samples that lack it from counting as 0.
// Tables are not qualified: the datasource's defaultDatabase names the database.

/** `instance`, `cluster` … : names that go into SQL unquoted must look like this. */
const NAME = /^[a-z][a-z0-9_]*$/;

function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`not a plain INFO field or column name: ${JSON.stringify(name)}`);
  return name;
}

/** A numeric INFO field of an info_samples row (0 when absent: filter with hasFields). */
export const field = (name: string) => `arrayElement(metric_values, indexOf(metric_names, '${checkName(name)}'))`;

/** A text INFO field of an info_samples row ('' when absent). */
export const textField = (name: string) => `arrayElement(text_values, indexOf(text_names, '${checkName(name)}'))`;

export const hasFields = (names: readonly string[]) =>
  names.map((n) => `has(metric_names, '${checkName(n)}')`).join(' AND ');

/** Start of the panel's time bucket as a DateTime, the time column of every time series. */
export const bucket = 'toDateTime(intDiv(toUInt32(ts), $__interval_s) * $__interval_s)';

/** The `cluster` variable (multi-value, with All). The plugin turns the whole macro into 1=1 for All. */
export const clusterFilter = '$__conditionalAll(cluster IN (${cluster:singlequote}), $cluster)';

/** The `instance` variable when it is multi-value with All. */
export const instancesFilter = '$__conditionalAll(instance IN (${instance:singlequote}), $instance)';

/**
 * The `instance` variable when it names exactly one instance, with its cluster looked up in
 * instance_inventory: raw tables are ordered by (cluster, instance, …), and ClickHouse 18.16
 * prunes granules by instance only when the cluster before it is known — without it, one
 * instance's hour read ~73,000 rows of a 2,000-instance fleet instead of one granule
 * (test/dashboards-budget.test.ts).
 */
export const oneInstance =
  '(cluster, instance) IN (SELECT cluster, instance FROM instance_inventory WHERE instance = ${instance:singlequote})';

/** Increase per second of a cumulative counter (e.g. evicted_keys) within one instance's bucket. */
export function perSecond(expr: string): string {
  return `greatest(argMax(${expr}, ts_ms) - argMin(${expr}, ts_ms), 0) / greatest((max(ts_ms) - min(ts_ms)) / 1000, 1)`;
}

interface ClusterSeriesOptions {
  /** INFO fields to read, each becoming one value column named after it. */
  fields: readonly string[];
  /** Extra conditions on info_samples rows, e.g. `role = 'master'`. */
  where?: readonly string[];
  /** Per-instance value in a bucket: the average (gauges) or the rate per second (counters). */
  per: 'avg' | 'rate';
}

/**
 * One series per cluster (and field): each instance's value per bucket, summed over the
 * instances of the cluster. Averaging first keeps a bucket with more samples of one
 * instance from weighing more.
 */
export function clusterSeries(o: ClusterSeriesOptions): string {
  const inner = o.fields.map((f) => `${o.per === 'avg' ? `avg(${field(f)})` : perSecond(field(f))} AS i_${f}`);
  const where = ['$__timeFilter(ts)', clusterFilter, hasFields(o.fields), ...(o.where ?? [])];
  return [
    `SELECT t, cluster, ${o.fields.map((f) => `sum(i_${f}) AS ${f}`).join(', ')}`,
    'FROM (',
    `    SELECT ${bucket} AS t, cluster, instance, ${inner.join(', ')}`,
    '    FROM info_samples',
    `    WHERE ${where.join(' AND ')}`,
    '    GROUP BY t, cluster, instance',
    ')',
    'GROUP BY t, cluster',
    'ORDER BY t',
  ].join('\n');
}

/** Series of INFO fields of the one selected instance. */
export function instanceSeries(o: { fields: readonly string[]; per: 'avg' | 'rate' }): string {
  const values = o.fields.map((f) => `${o.per === 'avg' ? `avg(${field(f)})` : perSecond(field(f))} AS ${f}`);
  return [
    `SELECT ${bucket} AS t, ${values.join(', ')}`,
    'FROM info_samples',
    `WHERE $__timeFilter(ts) AND ${oneInstance} AND ${hasFields(o.fields)}`,
    'GROUP BY t',
    'ORDER BY t',
  ].join('\n');
}
