// SLOWLOG entries (0004_slowlog.sql): search, newest first, and groups of identical
// (command, args) that the API folds into normalised patterns (api/slowlog-pattern.ts).
import { identifier, sql, SqlFragment, type SqlValue } from '../../common/sql.ts';
import { keysetAfter, orderBy, where, type KeyColumn } from './keyset.ts';

export interface SlowlogFilter {
  database: string;
  cluster: string;
  fromSec: number;
  toSec: number;
  instance?: string;
  command?: string;
  /** Client `ip`, `ip:port` or CLIENT SETNAME name. */
  client?: string;
  minDurationUs?: number;
}

// (ts, instance, entry_id, run_id) identifies an entry: ids restart with the server.
export const SLOWLOG_KEY: KeyColumn[] = [
  { expr: new SqlFragment('ts'), direction: 'desc' },
  { expr: new SqlFragment('instance'), direction: 'desc' },
  { expr: new SqlFragment('entry_id'), direction: 'desc' },
  { expr: new SqlFragment('run_id'), direction: 'desc' },
];

function clientCondition(client: string): SqlFragment {
  // `ip` matches every port of that address: compare the prefix `ip:` (bytes, as substring counts).
  const prefix = `${client}:`;
  return sql`(client_addr = ${client} OR substring(client_addr, 1, ${Buffer.byteLength(prefix)}) = ${prefix} OR client_name = ${client})`;
}

function conditions(f: SlowlogFilter, extra: SqlFragment | false = false): SqlFragment {
  return where([
    sql`cluster = ${f.cluster}`,
    sql`ts >= toDateTime(${f.fromSec})`,
    sql`ts <= toDateTime(${f.toSec})`,
    f.instance !== undefined && sql`instance = ${f.instance}`,
    f.command !== undefined && sql`command = ${f.command}`,
    f.client !== undefined && clientCondition(f.client),
    f.minDurationUs !== undefined && sql`duration_us >= ${f.minDurationUs}`,
    extra,
  ]);
}

export interface SlowlogEntryRow {
  ts: number;
  instance: string;
  entry_id: string;
  run_id: string;
  duration_us: string;
  command: string;
  args: string[];
  arg_count: number;
  args_truncated: number;
  client_addr: string;
  client_name: string;
}

export function slowlogEntriesSql(f: SlowlogFilter, page: { after?: readonly SqlValue[]; limit: number }): SqlFragment {
  return sql`SELECT toUInt32(ts) AS ts, instance, entry_id, run_id, duration_us, command, args, arg_count, args_truncated, client_addr, client_name
FROM ${identifier(`${f.database}.slowlog`)}
${conditions(f, page.after !== undefined && keysetAfter(SLOWLOG_KEY, page.after))}
ORDER BY ${orderBy(SLOWLOG_KEY)}
LIMIT ${page.limit + 1}`;
}

/** Most (command, args) groups folded into patterns; beyond it the tail is left out (and said so). */
export const SLOWLOG_GROUPS_MAX = 20_000;

export interface SlowlogGroupRow {
  command: string;
  args: string[];
  entries: string;
  total_us: string;
  max_us: string;
  instances: string;
  last_ts: number;
}

export function slowlogGroupsSql(f: SlowlogFilter): SqlFragment {
  return sql`SELECT command, args, count() AS entries, sum(duration_us) AS total_us, max(duration_us) AS max_us, uniqExact(instance) AS instances, toUInt32(max(ts)) AS last_ts
FROM ${identifier(`${f.database}.slowlog`)}
${conditions(f)}
GROUP BY command, args
ORDER BY total_us DESC
LIMIT ${SLOWLOG_GROUPS_MAX}`;
}
