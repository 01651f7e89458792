// Config & clients: risky settings found by the config audit (by rule and cluster, from
// each instance's latest audit), and who is connected — clients by name and by host with
// their idle time and output-buffer memory, which is where leaking or oversized client
// pools show ("limit server-side connections; size pools sensibly; release connections").
// Clients read the minute rollup clients_1m; audits are every 5 min and read raw.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { redscopeDashboard } from '../lib/dashboard.ts';
import { sqlPanel } from '../lib/panels.ts';
import { counterRate, gauge, inRange, lastMinutes, rollupBucket } from '../lib/rollups.ts';
import { clusterFilter, instancesFilter } from '../lib/sql.ts';
import { clusterVariable, instanceVariable } from '../lib/variables.ts';

const selected = `${clusterFilter} AND ${instancesFilter}`;

/** Findings of each instance's latest audit in the range. */
const latestFindings = `config_findings
WHERE $__timeFilter(ts) AND ${selected}
  AND (instance, ts_ms) IN (
    SELECT instance, max(ts_ms) FROM config_audits WHERE $__timeFilter(ts) AND ${selected} GROUP BY instance
)`;

/**
 * Each instance's latest CLIENT LIST summary (last minutes of clients_1m), its top-N
 * groups by `side` ('name' or 'host') unrolled: one row per (instance, group).
 */
const clientGroups = (side: 'name' | 'host') => `SELECT instance, client_group, clients, idle_max_s, omem_bytes
FROM (
    SELECT instance, argMax(k, bucket) AS ks, argMax(c, bucket) AS cs, argMax(i, bucket) AS idles, argMax(o, bucket) AS omems
    FROM (
        SELECT instance, bucket,
               argMaxMerge(last_by_${side}_keys) AS k, argMaxMerge(last_by_${side}_counts) AS c,
               argMaxMerge(last_by_${side}_idle_max_s) AS i, argMaxMerge(last_by_${side}_omem_bytes) AS o
        FROM clients_1m
        WHERE ${lastMinutes} AND ${selected}
        GROUP BY instance, bucket
    )
    GROUP BY instance
)
ARRAY JOIN ks AS client_group, cs AS clients, idles AS idle_max_s, omems AS omem_bytes`;

const clientTable = (side: 'name' | 'host', header: string) =>
  sqlPanel({
    kind: 'table',
    title: `Clients by ${side}`,
    description: `Connections per client ${side} now (the collector's top groups per instance), summed over instances, with the longest idle time and the output buffers they hold. Many idle connections of one ${side}: a pool too big or not released.`,
    columns: {
      client_group: header,
      connections: 'Connections',
      instances: 'Instances',
      idle_max_s: 'Longest idle (s)',
      omem_bytes: 'Output buffers (bytes)',
    },
    sql: `SELECT client_group, sum(clients) AS connections, uniqExact(instance) AS instances,
       max(idle_max_s) AS idle_max_s, sum(omem_bytes) AS omem_bytes
FROM (
${clientGroups(side)}
)
GROUP BY client_group
ORDER BY connections DESC
LIMIT 50`,
  });

const clientSeries = (values: string) => `SELECT t, cluster, ${values}
FROM (
    SELECT ${rollupBucket} AS t, cluster, instance,
           argMaxMerge(last_total) AS i_total, argMaxMerge(last_idle_over_threshold) AS i_idle,
           argMaxMerge(last_omem_total_bytes) AS i_omem, argMaxMerge(last_blocked) AS i_blocked
    FROM clients_1m
    WHERE ${inRange} AND ${selected}
    GROUP BY t, cluster, instance
)
GROUP BY t, cluster
ORDER BY t`;

export function configClients(): Dashboard {
  return redscopeDashboard({
    uid: 'redscope-config-clients',
    title: 'Redscope / Config & clients',
    description:
      'Config audit findings by rule and cluster, and clients by name and host with idle time and output-buffer memory.',
    variables: [clusterVariable(), instanceVariable(true)],
    panels: [
      sqlPanel({
        kind: 'stat',
        title: 'Critical findings',
        description: 'Critical findings in the latest audit of each selected instance.',
        sql: `SELECT countIf(severity = 'critical') AS critical FROM ${latestFindings}`,
      }),
      sqlPanel({
        kind: 'stat',
        title: 'Warnings',
        sql: `SELECT countIf(severity = 'warning') AS warnings FROM ${latestFindings}`,
      }),
      sqlPanel({
        kind: 'stat',
        title: 'Instances audited',
        sql: `SELECT uniqExact(instance) AS audited FROM config_audits WHERE $__timeFilter(ts) AND ${selected}`,
      }),
      sqlPanel({
        kind: 'stat',
        title: 'Idle connections now',
        description: "Connections idle longer than the clients sampler's idleThresholdS (300 s by default).",
        sql: `SELECT sum(idle) AS idle_connections
FROM (
    SELECT instance, argMax(i, bucket) AS idle
    FROM (SELECT instance, bucket, argMaxMerge(last_idle_over_threshold) AS i FROM clients_1m WHERE ${lastMinutes} AND ${selected} GROUP BY instance, bucket)
    GROUP BY instance
)`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Config findings by rule and cluster',
        width: 24,
        height: 10,
        description:
          'Each finding of the latest audits once per rule, setting and cluster, with how many instances have it: a report, not one line per node.',
        columns: {
          severity: 'Severity',
          rule: 'Rule',
          cluster: 'Cluster',
          setting: 'Setting',
          value: 'Value',
          recommendation: 'Recommendation',
          instances: 'Instances',
          example: 'Example instance',
          message: 'Finding',
        },
        sql: `SELECT severity, rule, cluster, setting, any(value) AS value, any(recommendation) AS recommendation,
       uniqExact(instance) AS instances, min(instance) AS example, any(message) AS message
FROM ${latestFindings}
GROUP BY severity, rule, cluster, setting
ORDER BY severity = 'critical' DESC, severity = 'warning' DESC, instances DESC, rule
LIMIT 200`,
      }),
      clientTable('name', 'Client name'),
      clientTable('host', 'Client host'),
      sqlPanel({
        kind: 'timeseries',
        title: 'Connections and idle connections',
        unit: 'short',
        legend: '${__field.name} ${__field.labels.cluster}',
        minInterval: '1m',
        description: 'Connections per cluster (CLIENT LIST), and those idle longer than the idle threshold.',
        sql: clientSeries('sum(i_total) AS connections, sum(i_idle) AS idle, sum(i_blocked) AS blocked'),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Client output buffers',
        unit: 'bytes',
        legend: '${__field.labels.cluster}',
        minInterval: '1m',
        description:
          'Output-buffer memory held for clients (omem): slow consumers, big replies, pub/sub subscribers falling behind.',
        sql: clientSeries('sum(i_omem) AS output_buffer_bytes'),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Rejected connections /s (top 10 instances)',
        unit: 'short',
        legend: '${__field.labels.instance}',
        width: 24,
        minInterval: '1m',
        description:
          'Clients refused because maxclients was reached (INFO rejected_connections), for the instances that refused most (then the busiest).',
        sql: `SELECT ${rollupBucket} AS t, instance, ${counterRate('rejected')} AS rejected_per_s
FROM info_1m
WHERE ${inRange} AND ${selected} AND instance IN (
    SELECT instance FROM info_1m WHERE ${inRange} AND ${selected}
    GROUP BY instance ORDER BY ${counterRate('rejected')} DESC, ${gauge('connected_clients')} DESC LIMIT 10
)
GROUP BY t, instance
ORDER BY t`,
      }),
    ],
  });
}
