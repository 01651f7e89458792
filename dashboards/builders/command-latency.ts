// Command latency: how often each command runs and how long single calls take inside Redis —
// per-call percentiles and a heatmap from LATENCY HISTOGRAM buckets, summed (never averaged)
// over instances and time, with the API's semantics (dashboards/lib/histogram-sql.ts) — and,
// per instance, that execution time beside the PING probe's round trip.
// Reads the minute rollups command_histograms_1m and ping_probes_1m (0031, 0032): rows with
// instance = '' hold every instance of a cluster summed, so "All" reads one row per command
// and minute instead of one per instance; the per-instance table reads instance_histograms_1m
// (0061: every command of an instance summed), one row per instance and minute.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { BUCKET_COUNT, BUCKET_UPPER_US } from '../../contracts/index.ts';
import { redscopeDashboard } from '../lib/dashboard.ts';
import { callQuantileSql, histogramQuantileSql, PROBE_LADDER } from '../lib/histogram-sql.ts';
import { heatmapPanel, sqlPanel } from '../lib/panels.ts';
import { inRange, rollupBucket } from '../lib/rollups.ts';
import { clusterFilter, instancesFilter } from '../lib/sql.ts';
import { clusterVariable, commandVariable, instanceOrClusterWideVariable } from '../lib/variables.ts';

/**
 * The rows of the selection: for "All" instances the cluster-wide rows (instance = '', the
 * variable's custom all value), otherwise the selected instances' own. A plain IN on the
 * primary key (cluster, instance, command, bucket): 18.16 prunes granules by it, where an
 * expression over `instance = ''` read every row of the range.
 */
const selected = `${inRange} AND ${clusterFilter} AND instance IN (\${instance:singlequote})`;

/** The 10 most called commands of the selection: keeps time series readable on a busy fleet. */
const topCommands = `command IN (
        SELECT command FROM command_histograms_1m
        WHERE ${selected}
        GROUP BY command
        ORDER BY sum(calls) DESC
        LIMIT 10
    )`;

/** Per step and command: calls, µs, and the summed per-call (h) and per-sample-mean (hm) buckets. */
const perCommandSums = `SELECT ${rollupBucket} AS t, command, sum(calls) AS n_calls, sum(usec) AS n_usec,
        sumMap(latencyMap.le, latencyMap.n) AS h, sumMap(meanMap.le, meanMap.n) AS hm
    FROM command_histograms_1m
    WHERE ${selected} AND ${topCommands}
    GROUP BY t, command`;

const perCommand = (values: string) => `SELECT t, command, ${values}
FROM (
    ${perCommandSums}
)
ORDER BY t`;

const byCommand = '${__field.labels.command}';

const PERCENTILES =
  'Per-call execution time inside Redis (LATENCY HISTOGRAM, Redis 7+): bucket counts summed over the instances and the interval, ' +
  "interpolated inside the bucket holding the rank as Prometheus's histogram_quantile does (the API's figures). Buckets are powers " +
  'of two (…, 16–33, 33–66 µs, …), so a value is exact to within its bucket. Servers without LATENCY HISTOGRAM (Redis < 7) show ' +
  'percentiles of per-sample mean latency instead.';

/** The selected command's buckets per step, every bucket every step (a steady row order for the heatmap). */
const heatmapSql = `SELECT t, toString(arrayElement([${BUCKET_UPPER_US.join(', ')}], k + 1)) AS le,
    toUInt64(arrayElement(tupleElement(h, 2), indexOf(tupleElement(h, 1), k))) AS calls
FROM (
    SELECT ${rollupBucket} AS t, sumMap(latencyMap.le, latencyMap.n) AS h
    FROM command_histograms_1m
    WHERE ${selected} AND command = \${command:singlequote}
    GROUP BY t
)
ARRAY JOIN range(${BUCKET_COUNT}) AS k
ORDER BY t, k`;

const q = (level: number, h: string) => `round(${histogramQuantileSql(level, h)}, 1)`;

export function commandLatency(): Dashboard {
  return redscopeDashboard({
    uid: 'redscope-command-latency',
    title: 'Redscope / Command latency',
    description:
      'Calls per command and how long single calls take inside Redis: per-call percentiles and heatmap (LATENCY HISTOGRAM), the mean, and per instance execution beside the PING round trip.',
    variables: [clusterVariable(), instanceOrClusterWideVariable(), commandVariable()],
    panels: [
      sqlPanel({
        kind: 'timeseries',
        title: 'Per-call p99 (top 10 commands)',
        unit: 'µs',
        legend: byCommand,
        minInterval: '1m',
        description: PERCENTILES,
        sql: perCommand(`${callQuantileSql(0.99, 'h', 'hm')} AS p99_us`),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Per-call p50 (top 10 commands)',
        unit: 'µs',
        legend: byCommand,
        minInterval: '1m',
        description: PERCENTILES,
        sql: perCommand(`${callQuantileSql(0.5, 'h', 'hm')} AS p50_us`),
      }),
      heatmapPanel({
        title: 'Per-call latency heatmap: $command',
        description:
          'Calls per execution-time bucket (LATENCY HISTOGRAM) per interval, for the command picked above; each row is a bucket, labelled with its upper bound in µs.',
        sql: heatmapSql,
        unit: 'µs',
        legend: '${__field.labels.le}',
        minInterval: '1m',
        width: 24,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Calls/s per command (top 10)',
        unit: 'ops',
        legend: byCommand,
        minInterval: '1m',
        sql: perCommand('n_calls / $__interval_s AS calls_per_second'),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Mean time per call (top 10)',
        unit: 'µs',
        legend: byCommand,
        minInterval: '1m',
        description:
          'Σ usec / Σ calls (commandstats): the average execution time inside Redis, which hides rare slow calls among fast ones — compare with the per-call p99.',
        sql: `SELECT t, command, n_usec / n_calls AS usec_per_call
FROM (
    ${perCommandSums}
)
WHERE n_calls > 0
ORDER BY t`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Slowest commands (per-call p99 over the range)',
        description: PERCENTILES,
        width: 24,
        columns: {
          command: 'Command',
          total_calls: 'Calls',
          usec_per_call: 'Mean µs/call',
          p50_us: 'p50 (µs)',
          p99_us: 'p99 (µs)',
          p999_us: 'p99.9 (µs)',
        },
        sql: `SELECT command, total_calls, round(total_usec / total_calls, 2) AS usec_per_call,
       round(${callQuantileSql(0.5, 'h', 'hm')}, 1) AS p50_us,
       round(${callQuantileSql(0.99, 'h', 'hm')}, 1) AS p99_us,
       round(${callQuantileSql(0.999, 'h', 'hm')}, 1) AS p999_us
FROM (
    SELECT command, sum(calls) AS total_calls, sum(usec) AS total_usec,
        sumMap(latencyMap.le, latencyMap.n) AS h, sumMap(meanMap.le, meanMap.n) AS hm
    FROM command_histograms_1m
    WHERE ${selected}
    GROUP BY command
)
WHERE total_calls > 0
ORDER BY p99_us DESC, command
LIMIT 20`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Where the time goes, per instance: execution inside Redis vs PING round trip',
        description:
          "Execution: every command's calls on the instance (LATENCY HISTOGRAM). Round trip: the collector's PING probe on its own connection — network, the event loop and queueing behind other clients. A round trip far above execution points at the network or a busy server, not at the commands. Slowest execution p99 first.",
        width: 24,
        columns: {
          instance: 'Instance',
          exec_p50_us: 'Execution p50 (µs)',
          exec_p99_us: 'Execution p99 (µs)',
          ping_p50_us: 'PING p50 (µs)',
          ping_p99_us: 'PING p99 (µs)',
        },
        sql: `SELECT instance, exec_p50_us, exec_p99_us, ping_p50_us, ping_p99_us
FROM (
    SELECT instance, ${q(0.5, 'h')} AS exec_p50_us, ${q(0.99, 'h')} AS exec_p99_us
    FROM (
        SELECT instance, sumMap(latencyMap.le, latencyMap.n) AS h
        FROM instance_histograms_1m
        WHERE ${inRange} AND ${clusterFilter} AND ${instancesFilter}
        GROUP BY instance
    )
) AS exec
ANY LEFT JOIN (
    SELECT instance, round(${histogramQuantileSql(0.5, 'p', PROBE_LADDER)}, 1) AS ping_p50_us,
        round(${histogramQuantileSql(0.99, 'p', PROBE_LADDER)}, 1) AS ping_p99_us
    FROM (
        SELECT instance, sumMap(pingMap.le, pingMap.n) AS p
        FROM ping_probes_1m
        WHERE ${inRange} AND ${clusterFilter} AND ${instancesFilter}
        GROUP BY instance
    )
) AS ping USING instance
ORDER BY exec_p99_us DESC, instance
LIMIT 50`,
      }),
    ],
  });
}
