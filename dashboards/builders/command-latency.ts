// Command latency: which commands run, how often, and how long they take — from commandstats
// (cumulative calls/usec, stored with per-sample deltas) and latencystats (percentiles, Redis ≥ 7).
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { redscopeDashboard } from '../lib/dashboard.ts';
import { sqlPanel } from '../lib/panels.ts';
import { bucket, clusterFilter, instancesFilter } from '../lib/sql.ts';
import { clusterVariable, instanceVariable } from '../lib/variables.ts';

const selected = `$__timeFilter(ts) AND ${clusterFilter} AND ${instancesFilter}`;

/** The 10 most called commands of the selection: keeps time series readable on a busy fleet. */
const topCommands = `command IN (
    SELECT command FROM command_stats
    WHERE ${selected}
    GROUP BY command
    ORDER BY sum(calls_delta) DESC
    LIMIT 10
)`;

const perCommand = (
  values: string,
  o: { where?: string; having?: string } = {},
) => `SELECT ${bucket} AS t, command, ${values}
FROM command_stats
WHERE ${selected} AND ${topCommands}${o.where ? ` AND ${o.where}` : ''}
GROUP BY t, command${o.having ? `\nHAVING ${o.having}` : ''}
ORDER BY t`;

const byCommand = '${__field.labels.command}';

export function commandLatency(): Dashboard {
  return redscopeDashboard({
    uid: 'redscope-command-latency',
    title: 'Redscope / Command latency',
    description:
      'Calls and server-side time per command (commandstats), and latency percentiles (latencystats, Redis 7+).',
    variables: [clusterVariable(), instanceVariable(true)],
    panels: [
      sqlPanel({
        kind: 'timeseries',
        title: 'Calls/s per command (top 10)',
        unit: 'ops',
        legend: byCommand,
        sql: perCommand('sum(calls_delta) / $__interval_s AS calls_per_second'),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Time per call (top 10)',
        unit: 'µs',
        legend: byCommand,
        description:
          'sum(usec_delta) / sum(calls_delta): average server-side execution time, not including network or queueing.',
        sql: perCommand('sum(usec_delta) / sum(calls_delta) AS usec_per_call', { having: 'sum(calls_delta) > 0' }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'p99 latency (top 10)',
        unit: 'µs',
        legend: byCommand,
        description:
          'Highest p99 of latencystats across the selected instances. Includes time blocked behind other commands.',
        sql: perCommand('max(p99_us) AS max_p99_us', { where: 'isNotNull(p99_us)' }),
      }),
      sqlPanel({
        kind: 'table',
        title: 'Slowest commands',
        description: 'Commands of the selection ordered by time per call over the whole time range.',
        columns: {
          command: 'Command',
          total_calls: 'Calls',
          usec_per_call: 'µs/call',
          max_p99_us: 'Max p99 (µs)',
          max_p999_us: 'Max p99.9 (µs)',
          instances: 'Instances',
        },
        sql: `SELECT command,
       sum(calls_delta) AS total_calls,
       sum(usec_delta) / sum(calls_delta) AS usec_per_call,
       max(p99_us) AS max_p99_us,
       max(p999_us) AS max_p999_us,
       uniqExact(instance) AS instances
FROM command_stats
WHERE ${selected}
GROUP BY command
HAVING sum(calls_delta) > 0
ORDER BY usec_per_call DESC
LIMIT 20`,
      }),
    ],
  });
}
