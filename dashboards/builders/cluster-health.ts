// Cluster health & failovers: is every slot served, which nodes are failing, what moved
// (failovers, slot owners, migrations) and when, and what clients suffered meanwhile
// (MOVED/ASK). Series read the minute rollup topology_1m; changes read topology_changes,
// which holds one row per change per observer and is small.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { redscopeDashboard } from '../lib/dashboard.ts';
import { failoverAnnotation, topologyAnnotation } from '../lib/events.ts';
import { sqlPanel } from '../lib/panels.ts';
import { inRange, lastMinutes, rollupBucket } from '../lib/rollups.ts';
import { clusterFilter } from '../lib/sql.ts';
import { clusterVariable } from '../lib/variables.ts';
import { redirectSeries } from './fleet-overview.ts';

const byCluster = '${__field.name} ${__field.labels.cluster}';

const topologySeries = (values: string) => `SELECT ${rollupBucket} AS t, cluster, ${values}
FROM topology_1m
WHERE ${inRange} AND ${clusterFilter}
GROUP BY t, cluster
ORDER BY t`;

/** The latest change of each (cluster, kind, node) in the range, with how many observers reported it. */
const latestChange = (kinds: string) => `SELECT cluster, node_id, kind,
       argMax(addr, ts_ms) AS node,
       argMax(to_value, ts_ms) AS state,
       max(ts) AS since,
       uniqExact(instance) AS observers
FROM topology_changes
WHERE $__timeFilter(ts) AND ${clusterFilter} AND kind IN (${kinds})
GROUP BY cluster, node_id, kind`;

export function clusterHealth(): Dashboard {
  return redscopeDashboard({
    uid: 'redscope-cluster-health',
    title: 'Redscope / Cluster health & failovers',
    description:
      'Cluster state, slots ok / pfail / fail, failing nodes, migrating and importing slots, topology changes (also drawn as annotations) and the MOVED/ASK redirects clients get while slots move.',
    variables: [clusterVariable()],
    annotations: [failoverAnnotation(), topologyAnnotation()],
    panels: [
      sqlPanel({
        kind: 'table',
        title: 'Cluster state now',
        width: 24,
        height: 6,
        description:
          'Latest minute of each cluster, worst view of any node: state is fail when some node saw slots unserved (cluster_state != ok).',
        columns: {
          cluster: 'Cluster',
          state: 'State',
          masters: 'Masters',
          known_nodes: 'Nodes',
          slots_ok: 'Slots ok',
          slots_pfail: 'Slots pfail',
          slots_fail: 'Slots fail',
          nodes_pfail: 'Nodes pfail',
          nodes_fail: 'Nodes fail',
          observers: 'Reporting nodes',
        },
        sql: `SELECT cluster,
       if(argMax(not_ok, bucket) > 0, 'fail', 'ok') AS state,
       argMax(m, bucket) AS masters, argMax(k, bucket) AS known_nodes,
       argMax(ok, bucket) AS slots_ok, argMax(pf, bucket) AS slots_pfail, argMax(f, bucket) AS slots_fail,
       argMax(npf, bucket) AS nodes_pfail, argMax(nf, bucket) AS nodes_fail, argMax(o, bucket) AS observers
FROM (
    SELECT cluster, bucket, sumMerge(not_ok_samples) AS not_ok, maxMerge(masters_max) AS m, maxMerge(known_nodes_max) AS k,
           minMerge(slots_ok_min) AS ok, maxMerge(slots_pfail_max) AS pf, maxMerge(slots_fail_max) AS f,
           maxMerge(nodes_pfail_max) AS npf, maxMerge(nodes_fail_max) AS nf, uniqMerge(observers) AS o
    FROM topology_1m
    WHERE ${lastMinutes} AND ${clusterFilter}
    GROUP BY cluster, bucket
)
GROUP BY cluster
ORDER BY state = 'ok', cluster`,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Slots ok / pfail / fail',
        unit: 'short',
        legend: byCluster,
        minInterval: '1m',
        description: 'Fewest slots ok and most slots pfail / fail that any node of the cluster reported.',
        sql: topologySeries(
          'minMerge(slots_ok_min) AS slots_ok, maxMerge(slots_pfail_max) AS slots_pfail, maxMerge(slots_fail_max) AS slots_fail',
        ),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Nodes failing',
        unit: 'short',
        legend: byCluster,
        minInterval: '1m',
        description:
          'Most nodes flagged pfail (one node cannot reach it) and fail (the majority agreed) in any node view, and the share of samples whose cluster_state was not ok.',
        sql: topologySeries(
          'maxMerge(nodes_pfail_max) AS nodes_pfail, maxMerge(nodes_fail_max) AS nodes_fail, sumMerge(not_ok_samples) / countMerge(samples) AS not_ok_share',
        ),
      }),
      sqlPanel({
        kind: 'table',
        title: 'Failing nodes',
        description:
          'Nodes whose latest failing flag in the range is pfail or fail, as the observers saw it; none → the node recovered.',
        columns: {
          cluster: 'Cluster',
          node: 'Node',
          state: 'Flag',
          since: 'Since',
          observers: 'Seen by',
        },
        sql: `SELECT cluster, node, state, since, observers
FROM (
${latestChange("'failing'")}
)
WHERE state != 'none'
ORDER BY since DESC
LIMIT 100`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Migrating and importing slots',
        description:
          'Slots a node is migrating out of or importing into, from the latest change of each node in the range. A migration left half-done stays here until fixed (redis-cli --cluster fix).',
        columns: {
          cluster: 'Cluster',
          node: 'Node',
          kind: 'Direction',
          state: 'Slots',
          since: 'Since',
          observers: 'Seen by',
        },
        sql: `SELECT cluster, node, kind, state, since, observers
FROM (
${latestChange("'migrating', 'importing'")}
)
WHERE state != ''
ORDER BY since DESC
LIMIT 100`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Topology changes',
        width: 24,
        height: 10,
        description:
          'Every change of roles, masters, failing flags, slot owners, migrations, links and epochs in the range, once per change (with how many nodes reported it), newest first.',
        columns: {
          first_seen: 'First seen',
          cluster: 'Cluster',
          kind: 'Change',
          node: 'Node',
          from_state: 'From',
          to_state: 'To',
          slots: 'Slots',
          observers: 'Seen by',
        },
        sql: `SELECT min(ts) AS first_seen, cluster, kind, any(addr) AS node, from_value AS from_state, to_value AS to_state,
       if(isNull(slot_start), '', concat(toString(assumeNotNull(slot_start)), '-', toString(assumeNotNull(slot_end)))) AS slots,
       uniqExact(instance) AS observers
FROM topology_changes
WHERE $__timeFilter(ts) AND ${clusterFilter}
GROUP BY cluster, kind, node_id, from_value, to_value, slot_start, slot_end
ORDER BY first_seen DESC
LIMIT 500`,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'MOVED / ASK redirects /s',
        unit: 'short',
        width: 24,
        legend: byCluster,
        minInterval: '1m',
        description:
          'Redirect replies per second (errorstats). ASK bursts while slots migrate are expected; MOVED after a failover or resharding means clients still use a stale slot map.',
        sql: redirectSeries,
      }),
    ],
  });
}
