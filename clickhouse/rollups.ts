// The rollups of the migrations, each defined once (rollup-template.ts writes out their
// tables and views). A migration names one with a `{rollup:name}` statement. These are
// applied in users' databases: changing a definition changes the checksum of every
// migration that uses it, and migrate then refuses those databases
// (clickhouse/applied-migrations.test.ts fails first). A changed rollup is a new
// definition under a new name, used by a new migration.
//
// Readers always use the -Merge combinators with GROUP BY (AggregatingMergeTree merges rows
// of a key only in the background), so rows of parts not yet merged never show twice.
import { stringLiteral } from '../common/sql.ts';
import type { AggregateColumn, Rollup } from './rollup-template.ts';

/** An INFO field of an info_samples row (0 where the sample lacks it: arrayElement at index 0). */
const metric = (field: string) => `arrayElement(metric_values, indexOf(metric_names, ${stringLiteral(field)}))`;
const hasMetric = (field: string) => `has(metric_names, ${stringLiteral(field)})`;

/** `last_<column>`: the value of the newest row (argMax by ts_ms wins on merge). */
const last = (column: string, type: string): AggregateColumn => ({
  name: `last_${column}`,
  fn: 'argMax',
  args: [column, 'ts_ms'],
  types: [type, 'UInt64'],
});

/** A gauge averaged over the samples that carry the field. */
const gauge = (name: string, field: string): AggregateColumn => ({
  name,
  fn: 'avgIf',
  args: [metric(field), hasMetric(field)],
  types: ['Float64', 'UInt8'],
});

/**
 * A counter's first and last value with their times (`<name>_first`, `<name>_last`), so a
 * rate over any span of buckets is (last − first) / (last time − first time); a counter
 * reset inside the span reads as 0 (dashboards/lib/rollups.ts).
 */
const counter = (name: string, field: string): AggregateColumn[] =>
  (['argMinIf', 'argMaxIf'] as const).map((fn) => ({
    name: `${name}_${fn === 'argMinIf' ? 'first' : 'last'}`,
    fn,
    args: [metric(field), 'ts_ms', hasMetric(field)],
    types: ['Float64', 'UInt64', 'UInt8'],
  }));

/** When the first and the last row of a key were sampled (ms): how fresh it is, and the span a counter's rate divides by. */
const seen = (first: string, lastSeen: string): AggregateColumn[] => [
  agg(first, 'min', 'ts_ms', 'UInt64'),
  agg(lastSeen, 'max', 'ts_ms', 'UInt64'),
];

/** How many source rows made the bucket. */
const samples: AggregateColumn = { name: 'samples', fn: 'count', args: [], types: [] };

/** A one-argument aggregate. */
const agg = (name: string, fn: string, arg: string, type: string): AggregateColumn => ({
  name,
  fn,
  args: [arg],
  types: [type],
});

const lc = (name: string) => ({ name, type: '{lc:String}' });
const str = (name: string) => ({ name, type: 'String' });

/** 0011: per-command latency per instance and per cluster, minute and hour. Retired by 0030 (command_histograms_*). */
const commandLatency: Rollup = {
  name: 'command_latency',
  source: 'info_samples',
  keys: [lc('cluster'), lc('command'), lc('instance'), 'bucket'],
  granularities: ['1m', '1h'],
  perCluster: true,
  columns: [
    // Sums of commandstats deltas: calls/s and µs/call exact.
    agg('calls_sum', 'sum', 'calls_delta', 'UInt64'),
    agg('usec_sum', 'sum', 'usec_delta', 'UInt64'),
    // T-digest of the per-sample MEAN latency (not of single calls).
    agg('mean_us_quantiles', 'quantilesTDigest(0.5, 0.9, 0.99, 0.999)', 'usec_delta / calls_delta', 'Float64'),
  ],
  // The same ARRAY JOIN as command_stats_mv (0001).
  arrayJoin: 'command_names AS command, command_calls_delta AS calls_delta, command_usec_delta AS usec_delta',
  where: 'calls_delta > 0',
};

/**
 * 0011: the newest INFO facts of every instance (one row per instance), so inventory does
 * not scan samples. Columns are last_* because an alias equal to its source column
 * (`argMaxState(role, …) AS role`) is refused as an aggregate inside an aggregate.
 */
const instanceInventory: Rollup = {
  name: 'instance_inventory',
  source: 'info_samples',
  keys: [lc('cluster'), lc('instance')],
  granularities: [],
  columns: [
    ...seen('first_seen_ms', 'last_seen_ms'),
    last('host', 'String'),
    last('role', 'String'),
    last('version', 'String'),
    last('interval_ms', 'UInt32'),
    ...(
      [
        ['used_memory_bytes', 'used_memory'],
        ['connected_clients', 'connected_clients'],
        ['ops_per_sec', 'instantaneous_ops_per_sec'],
        ['uptime_s', 'uptime_in_seconds'],
      ] as const
    ).map(([name, field]) => ({ name, fn: 'argMax', args: [metric(field), 'ts_ms'], types: ['Float64', 'UInt64'] })),
  ],
};

/**
 * 0060's layout for the dashboards: per minute, ordered (cluster, bucket[, instance]) so a
 * time range reads only its own minutes; index_granularity 1024 because a cluster's minute
 * rows are few and 8,192-row granules would make "the last two minutes" read far more.
 */
const dashboardMinutes = (
  name: string,
  source: string,
  per: 'instance' | 'cluster',
  columns: AggregateColumn[],
): Rollup => ({
  name,
  source,
  keys: per === 'instance' ? [str('cluster'), 'bucket', str('instance')] : [str('cluster'), 'bucket'],
  granularities: ['1m'],
  indexGranularity: 1024,
  columns,
});

/** 0060: each instance's INFO per minute, for the dashboards. */
const info = dashboardMinutes('info', 'info_samples', 'instance', [
  samples,
  ...seen('first_ms', 'last_ms'),
  last('role', 'String'),
  gauge('used_memory', 'used_memory'),
  gauge('maxmemory', 'maxmemory'),
  gauge('connected_clients', 'connected_clients'),
  gauge('blocked_clients', 'blocked_clients'),
  gauge('ops_per_sec', 'instantaneous_ops_per_sec'),
  gauge('keys_without_ttl', 'keyspace_keys_without_ttl'),
  ...counter('evicted', 'evicted_keys'),
  ...counter('expired', 'expired_keys'),
  ...counter('rejected', 'rejected_connections'),
  ...['MOVED', 'ASK'].map((error) =>
    agg(
      error.toLowerCase(),
      'sum',
      `arrayElement(error_count_deltas, indexOf(error_names, ${stringLiteral(error)}))`,
      'UInt64',
    ),
  ),
]);

/**
 * 0060: one row per cluster per minute, the worst any observer saw. Slots and node counts
 * are per observer (CLUSTER INFO / NODES), so the minimum of slots_ok and the maximum of
 * pfail/fail across observers is what "the cluster was degraded" means.
 */
const topology = dashboardMinutes('topology', 'topology_samples', 'cluster', [
  samples,
  agg('observers', 'uniq', 'instance', 'String'),
  agg('not_ok_samples', 'sum', "toUInt64(cluster_state != 'ok')", 'UInt64'),
  agg('slots_ok_min', 'min', 'slots_ok', 'UInt16'),
  ...['slots_pfail', 'slots_fail'].map((c) => agg(`${c}_max`, 'max', c, 'UInt16')),
  ...['nodes_pfail', 'nodes_fail', 'masters', 'known_nodes'].map((c) => agg(`${c}_max`, 'max', c, 'UInt32')),
]);

/**
 * 0060: PING probe histograms summed per cluster per minute (bucket bounds are fixed, see
 * 0005_latency.sql), so a percentile over any span comes from the summed counts; worst_us
 * keeps the slowest single PING.
 */
const ping = dashboardMinutes('ping', 'latency_probes', 'cluster', [
  {
    name: 'histogram',
    fn: 'sumMap',
    args: ['bucket_le_us', 'arrayMap(n -> toUInt64(n), bucket_counts)'],
    types: ['Array(UInt32)', 'Array(UInt64)'],
  },
  agg('answered', 'sum', 'toUInt64(pings_answered)', 'UInt64'),
  agg('failed', 'sum', 'toUInt64(pings_failed)', 'UInt64'),
  agg('worst_us', 'max', 'max_us', 'Float64'),
]);

/**
 * 0060: the newest CLIENT LIST summary of each instance in each minute (one every 15 s by
 * default), so the clients dashboard does not scan client_summaries (ordered by instance first).
 */
const clients = dashboardMinutes('clients', 'client_summaries', 'instance', [
  last('total', 'UInt32'),
  last('idle_over_threshold', 'UInt32'),
  last('idle_threshold_s', 'UInt32'),
  last('omem_total_bytes', 'UInt64'),
  last('blocked', 'UInt32'),
  ...['by_name', 'by_host'].flatMap((by) => [
    last(`${by}_keys`, 'Array(String)'),
    last(`${by}_counts`, 'Array(UInt32)'),
    last(`${by}_idle_max_s`, 'Array(UInt32)'),
    last(`${by}_omem_bytes`, 'Array(UInt64)'),
  ]),
]);

export const ROLLUPS: Readonly<Record<string, Rollup>> = {
  command_latency: commandLatency,
  instance_inventory: instanceInventory,
  info,
  topology,
  ping,
  clients,
};
