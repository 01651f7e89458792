// Fleet overview: is every instance reporting, how busy and how full is each cluster, and
// is anything being refused, evicted or redirected.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { redscopeDashboard } from '../lib/dashboard.ts';
import { sqlPanel } from '../lib/panels.ts';
import { bucket, clusterFilter, clusterSeries, field, hasFields } from '../lib/sql.ts';
import { clusterVariable } from '../lib/variables.ts';

/** Samples of the last 30 s before the end of the time range ("now" on a live dashboard). */
const LAST_30S = 'ts >= $__toTime - 30 AND ts <= $__toTime';

/** Sum over instances of each one's latest value of `name` in the last 30 s. */
const latestTotal = (name: string) => `SELECT sum(v) AS ${name}
FROM (
    SELECT instance, argMax(${field(name)}, ts_ms) AS v
    FROM info_samples
    WHERE ${LAST_30S} AND ${clusterFilter} AND ${hasFields([name])}
    GROUP BY instance
)`;

const byCluster = '${__field.labels.cluster}';

export function fleetOverview(): Dashboard {
  return redscopeDashboard({
    uid: 'redscope-fleet-overview',
    title: 'Redscope / Fleet overview',
    description:
      'Every Redis instance redscope watches: reporting, load, memory, keys, refusals and cluster redirects.',
    variables: [clusterVariable()],
    panels: [
      sqlPanel({
        kind: 'stat',
        title: 'Instances up',
        description: 'Distinct instances with an INFO sample in the last 30 s of the time range.',
        sql: `SELECT uniqExact(instance) AS instances FROM info_samples WHERE ${LAST_30S} AND ${clusterFilter}`,
      }),
      sqlPanel({
        kind: 'stat',
        title: 'Clusters reporting',
        sql: `SELECT uniqExact(cluster) AS clusters FROM info_samples WHERE ${LAST_30S} AND ${clusterFilter}`,
      }),
      sqlPanel({ kind: 'stat', title: 'Ops/s now', unit: 'ops', sql: latestTotal('instantaneous_ops_per_sec') }),
      sqlPanel({ kind: 'stat', title: 'Memory used now', unit: 'bytes', sql: latestTotal('used_memory') }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Ops/s per cluster',
        unit: 'ops',
        legend: byCluster,
        description: 'instantaneous_ops_per_sec summed over the instances (masters and replicas) of each cluster.',
        sql: clusterSeries({ fields: ['instantaneous_ops_per_sec'], per: 'avg' }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Memory used vs maxmemory',
        unit: 'bytes',
        legend: '${__field.name} ${__field.labels.cluster}',
        description:
          'used_memory and maxmemory summed per cluster. maxmemory 0 means no limit, so a cluster without limits shows 0.',
        sql: clusterSeries({ fields: ['used_memory', 'maxmemory'], per: 'avg' }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Connected clients',
        unit: 'short',
        legend: byCluster,
        sql: clusterSeries({ fields: ['connected_clients'], per: 'avg' }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Keys without TTL',
        unit: 'short',
        legend: byCluster,
        description: 'keyspace_keys_without_ttl summed over masters only: replicas hold copies of the same keys.',
        sql: clusterSeries({ fields: ['keyspace_keys_without_ttl'], per: 'avg', where: ["role = 'master'"] }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Evicted and expired keys /s',
        unit: 'short',
        legend: '${__field.name} ${__field.labels.cluster}',
        description: 'Rate of the evicted_keys and expired_keys counters. Evictions mean maxmemory was reached.',
        sql: clusterSeries({ fields: ['evicted_keys', 'expired_keys'], per: 'rate' }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Rejected connections /s',
        unit: 'short',
        legend: byCluster,
        description: 'Rate of rejected_connections: clients refused because maxclients was reached.',
        sql: clusterSeries({ fields: ['rejected_connections'], per: 'rate' }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'MOVED / ASK redirects /s',
        unit: 'short',
        width: 24,
        legend: '${__field.labels.error} ${__field.labels.cluster}',
        description:
          'MOVED and ASK replies (errorstats) per second. A burst of ASK during resharding is normal; steady MOVED means clients with a stale slot map.',
        sql: `SELECT ${bucket} AS t, cluster, error, sum(count_delta) / $__interval_s AS per_second
FROM error_stats
WHERE $__timeFilter(ts) AND ${clusterFilter} AND error IN ('MOVED', 'ASK')
GROUP BY t, cluster, error
ORDER BY t`,
      }),
    ],
  });
}
