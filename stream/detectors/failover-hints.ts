// Root-cause hints for a failover: what the old master was doing in the seconds before.
// Reads stored INFO samples (and slowlog entries, when that table exists) of the old
// master around the alert time. Best effort: every query is bounded and may fail.
import { identifier, sql, type SqlFragment } from '../../common/sql.ts';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import type { AlertEventV1 } from '../../contracts/index.ts';

const BLOCKING = new Set([
  'keys',
  'flushall',
  'flushdb',
  'save',
  'debug',
  'del',
  'unlink',
  'hgetall',
  'smembers',
  'lrange',
  'zrange',
  'sort',
  'eval',
  'evalsha',
  'fcall',
  'migrate',
  'restore',
]);

async function rows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  const rs = await client.query({ query, format: 'JSONEachRow', clickhouse_settings: { max_execution_time: 2 } });
  return rs.json<T>();
}

/** What the old master's INFO said in the minute before `atSec`. */
/** Filters by cluster too, so the (cluster, instance, ts) primary key narrows the read to a few granules. */
export function failoverInfoSql(database: string, cluster: string, instance: string, atSec: number): SqlFragment {
  const info = identifier(`${database}.info_samples`);
  return sql`SELECT toUInt32(max(ts)) AS last,
  max(arrayElement(metric_values, indexOf(metric_names, 'latest_fork_usec'))) AS fork_usec,
  max(arrayElement(metric_values, indexOf(metric_names, 'rdb_bgsave_in_progress'))) AS bgsave,
  max(arrayElement(metric_values, indexOf(metric_names, 'aof_rewrite_in_progress'))) AS aofrw,
  max(arrayElement(metric_values, indexOf(metric_names, 'blocked_clients'))) AS blocked,
  max(arrayElement(metric_values, indexOf(metric_names, 'instantaneous_ops_per_sec'))) AS ops
FROM ${info} WHERE cluster = ${cluster} AND instance = ${instance} AND ts >= toDateTime(${atSec - 60}) AND ts <= toDateTime(${atSec})`;
}

/** The old master's slowest slowlog entries around `atSec` (logged after it finished, so look past it too). */
export function failoverSlowlogSql(database: string, cluster: string, instance: string, atSec: number): SqlFragment {
  const slowlog = identifier(`${database}.slowlog`);
  return sql`SELECT command, arrayStringConcat(args, ' ') AS args, duration_us FROM ${slowlog} WHERE cluster = ${cluster} AND instance = ${instance} AND ts >= toDateTime(${atSec - 60}) AND ts <= toDateTime(${atSec + 60}) ORDER BY duration_us DESC LIMIT 5`;
}

export async function failoverHints(
  event: AlertEventV1,
  io: { clickhouse: ClickHouseClient; database: string },
): Promise<AlertEventV1> {
  const instance = event.labels.old_master;
  if (!instance) return event;
  const at = Math.floor(event.ts / 1000);
  const hints: string[] = [];

  const last = await rows<{
    last: number;
    fork_usec: number;
    bgsave: number;
    aofrw: number;
    blocked: number;
    ops: number;
  }>(io.clickhouse, failoverInfoSql(io.database, event.cluster, instance, at).text).catch(() => []);
  const s = last[0];
  if (s && Number(s.last) > 0) {
    const silentFor = at - Number(s.last);
    if (silentFor >= 2)
      hints.push(
        `${instance} stopped answering INFO ${silentFor} s before the promotion: the process was blocked (a long command, a fork, swapping) or stopped.`,
      );
    if (Number(s.bgsave) > 0 || Number(s.aofrw) > 0)
      hints.push(
        `a background save or AOF rewrite was running on ${instance} (fork ${Math.round(Number(s.fork_usec) / 1000)} ms).`,
      );
    else if (Number(s.fork_usec) > 500_000)
      hints.push(`the last fork on ${instance} took ${Math.round(Number(s.fork_usec) / 1000)} ms.`);
    if (Number(s.blocked) > 0) hints.push(`${s.blocked} clients were blocked on ${instance}.`);
  } else {
    hints.push(`no INFO sample from ${instance} in the minute before the promotion.`);
  }

  const slow = await rows<{ command: string; args: string; duration_us: number }>(
    io.clickhouse,
    failoverSlowlogSql(io.database, event.cluster, instance, at).text,
  ).catch(() => []);
  for (const e of slow) {
    const cmd = String(e.command).toLowerCase();
    const tag = BLOCKING.has(cmd) ? 'blocking command' : 'slow command';
    hints.push(
      `${tag} on ${instance}: ${String(e.command).toUpperCase()} ${e.args ?? ''} took ${(Number(e.duration_us) / 1000).toFixed(0)} ms`.trim(),
    );
  }
  hints.push(
    'Long-blocking commands (KEYS, FLUSHALL/FLUSHDB, SAVE, O(N) commands on big keys, deleting a big key) longer than cluster-node-timeout cause needless failovers.',
  );
  return { ...event, hints: [...hints, ...event.hints].slice(0, 20) };
}
