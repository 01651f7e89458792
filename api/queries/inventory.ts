// Inventory: clusters and instances from instance_inventory (one row per instance, see
// 0011_rollups.sql), the newest topology view, and reachability from instance_status.
import { identifier, sql, type SqlFragment } from '../../common/sql.ts';

/** Instances silent for longer than this are left out of the inventory. */
export const INVENTORY_WINDOW_MS = 24 * 3600_000;
/** The newest topology view is looked for this far back (keyframes come every 60 s by default). */
export const TOPOLOGY_WINDOW_S = 600;

export interface InventoryRow {
  cluster: string;
  instance: string;
  first_ms: string;
  last_ms: string;
  host: string;
  role: string;
  version: string;
  interval: number;
  memory_bytes: number;
  clients: number;
  ops: number;
  uptime: number;
}

// Aliases differ from the state columns they merge: ClickHouse refuses `maxMerge(x) AS x`.
const merged = (database: string) => sql`SELECT cluster, instance,
    minMerge(first_seen_ms) AS first_ms, maxMerge(last_seen_ms) AS last_ms,
    argMaxMerge(last_host) AS host, argMaxMerge(last_role) AS role, argMaxMerge(last_version) AS version,
    argMaxMerge(last_interval_ms) AS interval, argMaxMerge(used_memory_bytes) AS memory_bytes,
    argMaxMerge(connected_clients) AS clients, argMaxMerge(ops_per_sec) AS ops, argMaxMerge(uptime_s) AS uptime
  FROM ${identifier(`${database}.instance_inventory`)}`;

export function instancesSql(database: string, cluster: string, sinceMs: number): SqlFragment {
  return sql`SELECT * FROM (${merged(database)} WHERE cluster = ${cluster} GROUP BY cluster, instance)
WHERE last_ms >= ${sinceMs}
ORDER BY instance`;
}

export interface ClusterRow {
  cluster: string;
  instances: string;
  masters: string;
  replicas: string;
  last_seen_ms: string;
  versions: string[];
}

export function clustersSql(database: string, sinceMs: number): SqlFragment {
  return sql`SELECT cluster, count() AS instances, countIf(role = 'master') AS masters, countIf(role IN ('replica', 'slave')) AS replicas,
    max(last_ms) AS last_seen_ms, groupUniqArray(version) AS versions
FROM (${merged(database)} GROUP BY cluster, instance)
WHERE last_ms >= ${sinceMs}
GROUP BY cluster
ORDER BY cluster`;
}

export interface ClusterStateRow {
  cluster: string;
  state: string;
  newest_ms: string;
}

/** The newest CLUSTER INFO state per cluster. */
export function clusterStatesSql(database: string, sinceSec: number): SqlFragment {
  return sql`SELECT cluster, argMax(cluster_state, ts_ms) AS state, max(ts_ms) AS newest_ms
FROM ${identifier(`${database}.topology_samples`)}
WHERE ts >= toDateTime(${sinceSec})
GROUP BY cluster`;
}

export interface TopologyNodeRow {
  observer: string;
  ts_ms: string;
  node_id: string;
  addr: string;
  role: string;
  master_id: string;
  flags: string[];
  failing: string;
  link_state: string;
  health: string;
  slot_starts: number[];
  slot_ends: number[];
  slots_count: number;
}

/** Every node of the freshest observer's newest stored view (a keyframe or a change). */
export function topologyViewSql(database: string, cluster: string, sinceSec: number): SqlFragment {
  const t = identifier(`${database}.topology_nodes`);
  return sql`SELECT instance AS observer, ts_ms, node_id, addr, role, master_id, flags, failing, link_state, health, slot_starts, slot_ends, slots_count
FROM ${t}
WHERE cluster = ${cluster} AND ts >= toDateTime(${sinceSec})
  AND (instance, ts_ms) IN (SELECT instance, max(ts_ms) AS newest FROM ${t} WHERE cluster = ${cluster} AND ts >= toDateTime(${sinceSec}) GROUP BY instance ORDER BY newest DESC LIMIT 1)
ORDER BY addr`;
}

export interface StatusRow {
  instance: string;
  is_reachable: number;
  last_error: string;
  state_since_ms: string;
  newest_ms: string;
}

/** The newest reachability report per instance. */
export function instanceStatusSql(database: string, cluster: string, sinceSec: number): SqlFragment {
  return sql`SELECT instance, argMax(reachable, ts_ms) AS is_reachable, argMax(error, ts_ms) AS last_error, argMax(since_ms, ts_ms) AS state_since_ms, max(ts_ms) AS newest_ms
FROM ${identifier(`${database}.instance_status`)}
WHERE cluster = ${cluster} AND ts >= toDateTime(${sinceSec})
GROUP BY instance`;
}
