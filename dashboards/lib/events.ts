// Annotations shared by several dashboards. Topology changes are reported by every
// observer (each node's view of the cluster), so an event is one row per (cluster, node,
// change, minute), timed by the first observer that saw it.
import { sqlAnnotation } from './annotations.ts';
import { clusterFilter } from './sql.ts';

/** One event per promotion: a replica whose role became master. */
export const failoverAnnotation = () =>
  sqlAnnotation({
    name: 'Failovers',
    color: 'red',
    sql: `SELECT min(ts) AS time,
       concat('Failover in ', cluster) AS title,
       concat(any(addr), ' promoted to master, seen by ', toString(uniqExact(instance)), ' node(s)') AS text,
       concat('failover,', cluster) AS tags
FROM topology_changes
WHERE $__timeFilter(ts) AND ${clusterFilter} AND kind = 'role' AND to_value = 'master'
GROUP BY cluster, node_id, intDiv(toUInt32(ts), 60)
ORDER BY time`,
  });

/** Nodes marked failed, slot ranges changing owner, slots starting to migrate. */
export const topologyAnnotation = () =>
  sqlAnnotation({
    name: 'Topology changes',
    color: 'orange',
    sql: `SELECT min(ts) AS time,
       concat(kind, ' in ', cluster) AS title,
       concat(any(addr), ': ', any(from_value), ' → ', any(to_value)) AS text,
       concat('topology,', kind, ',', cluster) AS tags
FROM topology_changes
WHERE $__timeFilter(ts) AND ${clusterFilter}
  AND ((kind = 'failing' AND to_value = 'fail') OR kind IN ('slots', 'migrating', 'importing', 'node-added', 'node-removed'))
GROUP BY cluster, kind, node_id, intDiv(toUInt32(ts), 60)
ORDER BY time
LIMIT 500`,
  });
