// Instances of a cluster: the newest INFO facts, the newest topology view and reachability,
// joined by `host:port`, with a health verdict. Loaded through the inventory cache.
import type { FastifyInstance } from 'fastify';
import { selectRows } from './queries/run.ts';
import {
  clusterStatesSql,
  clustersSql,
  INVENTORY_WINDOW_MS,
  instancesSql,
  instanceStatusSql,
  TOPOLOGY_WINDOW_S,
  topologyViewSql,
  type ClusterRow,
  type ClusterStateRow,
  type InventoryRow,
  type StatusRow,
  type TopologyNodeRow,
} from './queries/inventory.ts';
import type { Cluster, Instance } from './schemas/inventory.ts';

const STATUS_WINDOW_S = 7 * 86400;

/** No INFO sample for this long (or 5 intervals, whichever is longer) = stale. */
export const STALE_AFTER_MS = 30_000;

export function assembleInstances(
  inventory: readonly InventoryRow[],
  topology: readonly TopologyNodeRow[],
  status: readonly StatusRow[],
  nowMs: number,
): Instance[] {
  const nodes = new Map(topology.map((n) => [n.addr, n]));
  const reach = new Map(status.map((s) => [s.instance, s]));
  const ids = new Set([...inventory.map((r) => r.instance), ...topology.map((n) => n.addr)]);
  const info = new Map(inventory.map((r) => [r.instance, r]));
  return [...ids].sort().map((id) => {
    const i = info.get(id);
    const n = nodes.get(id);
    const s = reach.get(id);
    const lastSeenMs = i ? Number(i.last_ms) : null;
    const reasons: string[] = [];
    let health: Instance['health'] = 'ok';
    // A reachability report newer than the last INFO sample decides up/down.
    const down =
      s !== undefined && Number(s.is_reachable) === 0 && (lastSeenMs === null || Number(s.newest_ms) >= lastSeenMs);
    if (down) {
      health = 'down';
      reasons.push(
        `unreachable since ${new Date(Number(s.state_since_ms)).toISOString()}${s.last_error ? `: ${s.last_error}` : ''}`,
      );
    }
    if (n && (n.failing === 'fail' || n.failing === 'pfail' || n.health === 'failed')) {
      if (health === 'ok') health = 'failing';
      reasons.push(`cluster view: ${n.failing || n.health}`);
    } else if (n?.health === 'loading' && health === 'ok') {
      health = 'loading';
      reasons.push('loading its dataset');
    }
    if (lastSeenMs === null) {
      if (health === 'ok') health = 'unknown';
      reasons.push('no INFO sample in the last 24 h');
    } else {
      const staleAfter = Math.max(STALE_AFTER_MS, 5 * Number(i?.interval ?? 0));
      if (nowMs - lastSeenMs > staleAfter) {
        if (health === 'ok') health = 'stale';
        reasons.push(`last INFO sample ${Math.round((nowMs - lastSeenMs) / 1000)} s ago`);
      }
    }
    const ranges: Array<[number, number]> = (n?.slot_starts ?? []).map((a, k) => [
      Number(a),
      Number(n!.slot_ends[k] ?? a),
    ]);
    return {
      id,
      host: i?.host || id.slice(0, id.lastIndexOf(':')),
      role: i?.role && i.role !== 'unknown' ? i.role : (n?.role ?? 'unknown'),
      version: i?.version ?? '',
      nodeId: n?.node_id || null,
      masterId: n?.master_id || null,
      slots: { count: Number(n?.slots_count ?? 0), ranges },
      flags: n?.flags ?? [],
      health,
      healthReasons: reasons,
      reachable: s === undefined ? (lastSeenMs !== null ? true : null) : !down,
      lastSeenMs,
      usedMemoryBytes: i ? Number(i.memory_bytes) : null,
      connectedClients: i ? Number(i.clients) : null,
      opsPerSec: i ? Number(i.ops) : null,
      uptimeS: i ? Number(i.uptime) : null,
    };
  });
}

export function loadInstances(app: FastifyInstance, cluster: string): Promise<Instance[]> {
  return app.inventoryCache.getOrLoad(`instances:${cluster}`, app.cacheTtls.inventoryMs, async () => {
    const nowMs = Date.now();
    const nowSec = Math.floor(nowMs / 1000);
    const [inventory, topology, status] = await Promise.all([
      selectRows<InventoryRow>(app.clickhouse, instancesSql(app.database, cluster, nowMs - INVENTORY_WINDOW_MS)),
      selectRows<TopologyNodeRow>(app.clickhouse, topologyViewSql(app.database, cluster, nowSec - TOPOLOGY_WINDOW_S)),
      selectRows<StatusRow>(app.clickhouse, instanceStatusSql(app.database, cluster, nowSec - STATUS_WINDOW_S)),
    ]);
    return assembleInstances(inventory, topology, status, nowMs);
  }) as Promise<Instance[]>;
}

export function loadClusters(app: FastifyInstance): Promise<Cluster[]> {
  return app.inventoryCache.getOrLoad('clusters', app.cacheTtls.inventoryMs, async () => {
    const nowMs = Date.now();
    const [rows, states] = await Promise.all([
      selectRows<ClusterRow>(app.clickhouse, clustersSql(app.database, nowMs - INVENTORY_WINDOW_MS)),
      selectRows<ClusterStateRow>(
        app.clickhouse,
        clusterStatesSql(app.database, Math.floor(nowMs / 1000) - TOPOLOGY_WINDOW_S),
      ),
    ]);
    const state = new Map(states.map((s) => [s.cluster, s.state]));
    return rows.map((r) => ({
      name: r.cluster,
      instances: Number(r.instances),
      masters: Number(r.masters),
      replicas: Number(r.replicas),
      versions: r.versions.filter(Boolean).sort(),
      lastSeenMs: Number(r.last_seen_ms),
      state: state.get(r.cluster) ?? null,
    }));
  }) as Promise<Cluster[]>;
}
