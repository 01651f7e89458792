// Slowlog & blocking: which commands were slow, where, by whom and how often, what Redis's
// own latency monitor saw, and what a PING from the collector waited — the view that
// explains a needless failover (a master blocked longer than cluster-node-timeout).
// slowlog and latency_events hold one row per slow entry / spike, so they are read raw;
// PING probes (one per instance per second) come from the minute rollup ping_1m.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { sqlAnnotation } from '../lib/annotations.ts';
import { redscopeDashboard } from '../lib/dashboard.ts';
import { failoverAnnotation } from '../lib/events.ts';
import { sqlPanel } from '../lib/panels.ts';
import { inRange, rollupBucket } from '../lib/rollups.ts';
import { bucket, clusterFilter, instancesFilter } from '../lib/sql.ts';
import { clusterVariable, instanceVariable } from '../lib/variables.ts';

const selected = `$__timeFilter(ts) AND ${clusterFilter} AND ${instancesFilter}`;

/**
 * A slow command folded into a pattern: the command, then its first argument (usually the
 * key) with UUIDs, long hex and digit runs as `*`, then `…` when more arguments followed.
 * A smaller cousin of the API's api/slowlog-pattern.ts, in SQL so the panel can group by it.
 */
export const slowPattern = `concat(command,
    if(length(args) = 0, '', concat(' ', replaceRegexpAll(replaceRegexpAll(replaceRegexpAll(args[1],
        '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}', '*'),
        '[0-9a-fA-F]{16,}', '*'), '[0-9]+', '*'))),
    if(arg_count > 2, ' …', ''))`;

/** PING percentile from the summed histogram h = (bounds, counts) of ping_1m. */
const pingQuantile = (q: number) =>
  `arrayElement(tupleElement(h, 1), arrayFirstIndex(c -> c >= ${q} * arraySum(tupleElement(h, 2)), arrayCumSum(tupleElement(h, 2))))`;

export function slowlogBlocking(): Dashboard {
  return redscopeDashboard({
    uid: 'redscope-slowlog',
    title: 'Redscope / Slowlog & blocking',
    description:
      'Slow commands per second by command, the latest entries, the costliest patterns, Redis LATENCY events and the PING round trip seen by the collector: what blocked a master, and for how long.',
    variables: [clusterVariable(), instanceVariable(true)],
    annotations: [
      failoverAnnotation(),
      sqlAnnotation({
        name: 'Commands ≥ 100 ms',
        color: 'purple',
        sql: `SELECT ts AS time,
       concat(command, ' ', toString(round(duration_us / 1000)), ' ms') AS title,
       concat(instance, ': ', arrayStringConcat(args, ' ')) AS text,
       concat('slowlog,', cluster) AS tags
FROM slowlog
WHERE ${selected} AND duration_us >= 100000
ORDER BY time
LIMIT 200`,
      }),
    ],
    panels: [
      sqlPanel({
        kind: 'timeseries',
        title: 'Slow commands /s by command',
        unit: 'short',
        legend: '${__field.labels.command}',
        description: 'SLOWLOG entries per second (commands slower than slowlog-log-slower-than).',
        sql: `SELECT ${bucket} AS t, command, count() / $__interval_s AS per_second
FROM slowlog
WHERE ${selected}
GROUP BY t, command
ORDER BY t`,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Time blocked in slow commands',
        unit: 'percentunit',
        legend: '${__field.labels.instance}',
        description:
          'Share of each interval an instance spent executing slow commands (sum of durations / interval), for the 10 instances that spent the most. Redis runs commands one at a time: near 100 % nothing else was served.',
        sql: `SELECT ${bucket} AS t, instance, sum(duration_us) / 1000000 / $__interval_s AS blocked_share
FROM slowlog
WHERE ${selected} AND instance IN (
    SELECT instance FROM slowlog WHERE ${selected} GROUP BY instance ORDER BY sum(duration_us) DESC LIMIT 10
)
GROUP BY t, instance
ORDER BY t`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Latest slow commands',
        width: 24,
        height: 9,
        description: 'Arguments are truncated and values redacted (?) by the collector.',
        columns: {
          logged_at: 'Logged at',
          instance: 'Instance',
          duration_ms: 'Duration (ms)',
          command: 'Command',
          arguments: 'Arguments',
          client: 'Client',
          client_name: 'Client name',
        },
        sql: `SELECT ts AS logged_at, instance, duration_us / 1000 AS duration_ms, command,
       arrayStringConcat(args, ' ') AS arguments, client_addr AS client, client_name
FROM slowlog
WHERE ${selected}
ORDER BY ts DESC, duration_us DESC
LIMIT 100`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Costliest slow patterns',
        description: 'Slow entries folded by command and key pattern, by total time.',
        columns: {
          pattern: 'Pattern',
          entries: 'Entries',
          total_ms: 'Total (ms)',
          max_ms: 'Slowest (ms)',
          instances: 'Instances',
        },
        sql: `SELECT ${slowPattern} AS pattern,
       count() AS entries, sum(duration_us) / 1000 AS total_ms, max(duration_us) / 1000 AS max_ms,
       uniqExact(instance) AS instances
FROM slowlog
WHERE ${selected}
GROUP BY pattern
ORDER BY total_ms DESC
LIMIT 20`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'LATENCY events',
        description:
          "Spikes from Redis's own latency monitor (latency-monitor-threshold): command, fast-command, fork, aof-fsync…",
        columns: { spike_at: 'At', instance: 'Instance', event: 'Event', latency_ms: 'Latency (ms)' },
        sql: `SELECT ts AS spike_at, instance, event, latency_ms
FROM latency_events
WHERE ${selected}
ORDER BY ts DESC
LIMIT 100`,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'LATENCY events: worst spike by event',
        unit: 'ms',
        legend: '${__field.labels.event}',
        sql: `SELECT ${bucket} AS t, event, max(latency_ms) AS worst_ms
FROM latency_events
WHERE ${selected}
GROUP BY t, event
ORDER BY t`,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'PING round trip p50 / p99 / worst',
        unit: 'µs',
        legend: byName,
        minInterval: '1m',
        description:
          "The collector's PING probes, per cluster (the instance selection does not apply): percentiles of every probe in the interval (from summed histograms, upper bucket bounds) and the slowest one. A master blocked by a command answers nothing until it finishes.",
        sql: `SELECT t, cluster, ${pingQuantile(0.5)} AS p50_us, ${pingQuantile(0.99)} AS p99_us, worst AS worst_us
FROM (
    SELECT ${rollupBucket} AS t, cluster, sumMapMerge(histogram) AS h, maxMerge(worst_us) AS worst
    FROM ping_1m
    WHERE ${inRange} AND ${clusterFilter}
    GROUP BY t, cluster
)
ORDER BY t`,
      }),
    ],
  });
}

const byName = '${__field.name} ${__field.labels.cluster}';
