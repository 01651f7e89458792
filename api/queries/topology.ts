// Topology history: the changes observers reported (0003_topology.sql), newest first.
// One event is usually reported by several observers: each is a row, with its observer.
import { identifier, sql, SqlFragment, type SqlValue } from '../../common/sql.ts';
import { keysetAfter, orderBy, where, type KeyColumn } from './keyset.ts';

export const TOPOLOGY_CHANGES_KEY: KeyColumn[] = [
  { expr: new SqlFragment('ts_ms'), direction: 'desc' },
  { expr: new SqlFragment('instance'), direction: 'desc' },
  { expr: new SqlFragment('kind'), direction: 'desc' },
  { expr: new SqlFragment('node_id'), direction: 'desc' },
  { expr: new SqlFragment('slot_key'), direction: 'desc' },
];

export interface TopologyChangesQuery {
  database: string;
  cluster: string;
  fromSec: number;
  toSec: number;
  kinds?: readonly string[];
  /** node id or host:port */
  node?: string;
  after?: readonly SqlValue[];
  limit: number;
}

export interface TopologyChangeRow {
  ts_ms: string;
  instance: string;
  observer_id: string;
  kind: string;
  node_id: string;
  addr: string;
  from_value: string;
  to_value: string;
  slot_start: number | null;
  slot_end: number | null;
  slot_key: number;
}

export function topologyChangesSql(q: TopologyChangesQuery): SqlFragment {
  return sql`SELECT ts_ms, instance, observer_id, kind, node_id, addr, from_value, to_value, slot_start, slot_end, toInt32(ifNull(slot_start, -1)) AS slot_key
FROM ${identifier(`${q.database}.topology_changes`)}
${where([
  sql`cluster = ${q.cluster}`,
  sql`ts >= toDateTime(${q.fromSec})`,
  sql`ts <= toDateTime(${q.toSec})`,
  q.kinds !== undefined && q.kinds.length > 0 && sql`has(${q.kinds}, kind)`,
  q.node !== undefined && sql`(node_id = ${q.node} OR addr = ${q.node})`,
  q.after !== undefined && keysetAfter(TOPOLOGY_CHANGES_KEY, q.after),
])}
ORDER BY ${orderBy(TOPOLOGY_CHANGES_KEY)}
LIMIT ${q.limit + 1}`;
}
