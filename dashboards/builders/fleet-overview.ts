// Fleet overview: is every instance reporting (and which are not), how busy and how full
// is each cluster and which instances are nearest their maxmemory, what is firing, and is
// anything being refused, evicted or redirected. Failovers are drawn on every graph.
// Everything over a range reads the minute rollups (info_1m); "now" is the last minutes.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { failoverAnnotation } from '../lib/events.ts';
import { redscopeDashboard } from '../lib/dashboard.ts';
import { sqlPanel } from '../lib/panels.ts';
import { counterRate, gauge, infoClusterSeries, lastMinutes, seenLast30s } from '../lib/rollups.ts';
import { clusterFilter } from '../lib/sql.ts';
import { firingAlerts } from '../lib/alert-sql.ts';
import { clusterVariable } from '../lib/variables.ts';

/** Instances of the selection seen in the last 30 s of the range, with their latest minute. */
const reporting = (values: string) => `SELECT instance, ${values}
    FROM info_1m
    WHERE ${lastMinutes} AND ${clusterFilter}
    GROUP BY instance
    HAVING ${seenLast30s}`;

/** Sum over reporting instances of each one's latest per-minute value of an info_1m gauge. */
const latestTotal = (name: string, column: string) => `SELECT sum(v) AS ${name}
FROM (
    SELECT instance, argMax(m, bucket) AS v
    FROM (
        SELECT instance, bucket, ${gauge(column)} AS m, maxMerge(last_ms) AS seen_ms
        FROM info_1m
        WHERE ${lastMinutes} AND ${clusterFilter}
        GROUP BY instance, bucket
    )
    GROUP BY instance
    HAVING max(seen_ms) >= (toUInt32($__toTime) - 30) * 1000
)`;

// The latest status row of each instance in the last 90 s: while an instance is down its
// collector writes a row every 30 s (0010_instance_status.sql), so one that is down now
// always has one there, and a later reachable row means it came back.
const downNow = `SELECT cluster, instance,
       argMax(collector, ts_ms) AS seen_by,
       toDateTime(intDiv(argMax(since_ms, ts_ms), 1000)) AS down_since,
       argMax(error, ts_ms) AS last_error
FROM instance_status
WHERE ts >= $__toTime - 90 AND ts <= $__toTime AND ${clusterFilter}
GROUP BY cluster, instance
HAVING argMax(reachable, ts_ms) = 0`;

const byCluster = '${__field.labels.cluster}';

export function fleetOverview(): Dashboard {
  return redscopeDashboard({
    uid: 'redscope-fleet-overview',
    title: 'Redscope / Fleet overview',
    description:
      'Every Redis instance redscope watches: who is down, load, memory and the instances nearest maxmemory, firing alerts, keys, refusals and cluster redirects; failovers marked on every graph.',
    variables: [clusterVariable()],
    annotations: [failoverAnnotation()],
    panels: [
      sqlPanel({
        kind: 'stat',
        title: 'Instances up',
        description: 'Distinct instances with an INFO sample in the last 30 s of the time range.',
        sql: `SELECT count() AS instances FROM (\n    ${reporting('count() AS n')}\n)`,
      }),
      sqlPanel({
        kind: 'stat',
        title: 'Instances down',
        description: 'Instances their collector cannot reach now (see the table below for which).',
        sql: `SELECT count() AS instances_down FROM (\n${downNow}\n)`,
      }),
      sqlPanel({
        kind: 'stat',
        title: 'Clusters reporting',
        sql: `SELECT uniqExact(cluster) AS clusters FROM info_1m WHERE ${lastMinutes} AND ${clusterFilter}`,
      }),
      sqlPanel({
        kind: 'stat',
        title: 'Alerts firing',
        sql: `SELECT count() AS firing FROM (\n${firingAlerts}\n)`,
      }),
      sqlPanel({
        kind: 'stat',
        title: 'Ops/s now',
        unit: 'ops',
        sql: latestTotal('ops_per_sec', 'ops_per_sec'),
      }),
      sqlPanel({ kind: 'stat', title: 'Memory used now', unit: 'bytes', sql: latestTotal('memory', 'used_memory') }),
      sqlPanel({
        kind: 'stat',
        title: 'Clients now',
        unit: 'short',
        sql: latestTotal('clients', 'connected_clients'),
      }),
      sqlPanel({
        kind: 'stat',
        title: 'Keys without TTL now',
        description: 'keyspace_keys_without_ttl over every instance (replicas included).',
        unit: 'short',
        sql: latestTotal('keys_without_ttl', 'keys_without_ttl'),
      }),
      sqlPanel({
        kind: 'table',
        title: 'Instances down',
        width: 12,
        description: 'Instances the collector cannot reach now, since when, and the last error it got.',
        columns: {
          cluster: 'Cluster',
          instance: 'Instance',
          seen_by: 'Collector',
          down_since: 'Down since',
          last_error: 'Last error',
        },
        sql: `${downNow}\nORDER BY down_since, instance\nLIMIT 200`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Nearest maxmemory',
        width: 12,
        description:
          'Instances by used_memory as a share of maxmemory (latest minute). maxmemory 0 (no limit) shows no share and sorts last.',
        columns: {
          instance: 'Instance',
          cluster: 'Cluster',
          current_role: 'Role',
          used_bytes: 'Used',
          max_bytes: 'maxmemory',
          used_share: 'Used / max',
        },
        sql: `SELECT instance, cluster, current_role, used_bytes, max_bytes,
       if(max_bytes > 0, used_bytes / max_bytes, NULL) AS used_share
FROM (
    SELECT instance, any(cluster) AS cluster, argMax(r, bucket) AS current_role,
           argMax(u, bucket) AS used_bytes, argMax(m, bucket) AS max_bytes
    FROM (
        SELECT cluster, instance, bucket, argMaxMerge(last_role) AS r, ${gauge('used_memory')} AS u, ${gauge('maxmemory')} AS m
        FROM info_1m
        WHERE ${lastMinutes} AND ${clusterFilter}
        GROUP BY cluster, instance, bucket
    )
    GROUP BY instance
)
ORDER BY max_bytes = 0, used_share DESC, used_bytes DESC
LIMIT 20`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Alerts firing',
        width: 24,
        height: 6,
        description: 'Every alert firing now, oldest first. History and deliveries: the Alerts & events dashboard.',
        columns: {
          since: 'Since',
          severity: 'Severity',
          rule: 'Rule',
          cluster: 'Cluster',
          instance: 'Instance',
          summary: 'Summary',
        },
        sql: `${firingAlerts}\nORDER BY since\nLIMIT 200`,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Ops/s per cluster',
        unit: 'ops',
        legend: byCluster,
        minInterval: '1m',
        description: 'instantaneous_ops_per_sec summed over the instances (masters and replicas) of each cluster.',
        sql: infoClusterSeries({ values: { ops_per_sec: gauge('ops_per_sec') } }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Memory used vs maxmemory',
        unit: 'bytes',
        legend: '${__field.name} ${__field.labels.cluster}',
        minInterval: '1m',
        description:
          'used_memory and maxmemory summed per cluster. maxmemory 0 means no limit, so a cluster without limits shows 0.',
        sql: infoClusterSeries({ values: { used_memory: gauge('used_memory'), maxmemory: gauge('maxmemory') } }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Connected clients',
        unit: 'short',
        legend: byCluster,
        minInterval: '1m',
        sql: infoClusterSeries({ values: { connected_clients: gauge('connected_clients') } }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Keys without TTL',
        unit: 'short',
        legend: byCluster,
        minInterval: '1m',
        description: 'keyspace_keys_without_ttl summed over masters only: replicas hold copies of the same keys.',
        sql: infoClusterSeries({ values: { keys_without_ttl: gauge('keys_without_ttl') }, mastersOnly: true }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Evicted and expired keys /s',
        unit: 'short',
        legend: '${__field.name} ${__field.labels.cluster}',
        minInterval: '1m',
        description: 'Rate of the evicted_keys and expired_keys counters. Evictions mean maxmemory was reached.',
        sql: infoClusterSeries({ values: { evicted: counterRate('evicted'), expired: counterRate('expired') } }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Rejected connections /s',
        unit: 'short',
        legend: byCluster,
        minInterval: '1m',
        description: 'Rate of rejected_connections: clients refused because maxclients was reached.',
        sql: infoClusterSeries({ values: { rejected: counterRate('rejected') } }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'MOVED / ASK redirects /s',
        unit: 'short',
        width: 24,
        legend: '${__field.name} ${__field.labels.cluster}',
        minInterval: '1m',
        description:
          'MOVED and ASK replies (errorstats) per second. A burst of ASK during resharding is normal; steady MOVED means clients with a stale slot map.',
        sql: redirectSeries,
      }),
    ],
  });
}

/** MOVED and ASK per second per cluster, from the errorstats deltas summed in info_1m. */
export const redirectSeries = `SELECT ${'toDateTime(intDiv(toUInt32(bucket), $__interval_s) * $__interval_s)'} AS t, cluster,
       sumMerge(moved) / $__interval_s AS moved_per_s,
       sumMerge(ask) / $__interval_s AS ask_per_s
FROM info_1m
WHERE $__timeFilter(bucket) AND ${clusterFilter}
GROUP BY t, cluster
ORDER BY t`;
