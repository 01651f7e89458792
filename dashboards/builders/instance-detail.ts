// Instance detail: the INFO fields ops look at first for one instance, over time.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { redscopeDashboard } from '../lib/dashboard.ts';
import { sqlPanel } from '../lib/panels.ts';
import { bucket, field, hasFields, instanceSeries, oneInstance, textField } from '../lib/sql.ts';
import { clusterVariable, instanceVariable } from '../lib/variables.ts';

const one = `$__timeFilter(ts) AND ${oneInstance}`;

/** host:port of the master a replica follows, as the instance id of that master's samples. */
const masterOfReplica = `concat(${textField('master_host')}, ':', toString(toUInt32(${field('master_port')})))`;

// Latest value of each status field. Aliases differ from column names (role → current_role):
// 18.16 resolves `argMax(role, …) AS role` recursively and fails.
const status = `SELECT argMax(role, ts_ms) AS current_role,
       argMax(version, ts_ms) AS redis_version,
       argMax(${field('uptime_in_seconds')}, ts_ms) AS uptime_s,
       argMax(${textField('master_link_status')}, ts_ms) AS master_link,
       argMax(${textField('rdb_last_bgsave_status')}, ts_ms) AS rdb_last_bgsave,
       argMax(${field('rdb_changes_since_last_save')}, ts_ms) AS rdb_unsaved_changes,
       argMax(${field('aof_enabled')}, ts_ms) AS aof_enabled,
       argMax(${textField('aof_last_write_status')}, ts_ms) AS aof_last_write,
       max(ts) AS last_sample
FROM info_samples
WHERE ${one}`;

// keyspace_hits / misses are counters: the ratio of their increases per bucket.
const hitRatio = `SELECT t, hits / (hits + misses) AS hit_ratio
FROM (
    SELECT ${bucket} AS t,
           greatest(argMax(${field('keyspace_hits')}, ts_ms) - argMin(${field('keyspace_hits')}, ts_ms), 0) AS hits,
           greatest(argMax(${field('keyspace_misses')}, ts_ms) - argMin(${field('keyspace_misses')}, ts_ms), 0) AS misses
    FROM info_samples
    WHERE ${one} AND ${hasFields(['keyspace_hits', 'keyspace_misses'])}
    GROUP BY t
)
WHERE hits + misses > 0
ORDER BY t`;

// A replica's lag in bytes: its master's master_repl_offset minus its own slave_repl_offset,
// per bucket. 18.16 joins only with USING, hence the shared column names t and master;
// current releases want an alias on each joined subquery.
const replicationLag = `SELECT t, greatest(master_offset - replica_offset, 0) AS lag_bytes
FROM (
    SELECT ${bucket} AS t, ${masterOfReplica} AS master, max(${field('slave_repl_offset')}) AS replica_offset
    FROM info_samples
    WHERE ${one} AND ${hasFields(['slave_repl_offset', 'master_port'])}
    GROUP BY t, master
) AS replica
ANY INNER JOIN (
    SELECT ${bucket} AS t, instance AS master, max(${field('master_repl_offset')}) AS master_offset
    FROM info_samples
    WHERE $__timeFilter(ts) AND ${hasFields(['master_repl_offset'])}
      AND (cluster, instance) IN (SELECT cluster, ${masterOfReplica} FROM info_samples WHERE ${one} AND ${hasFields(['master_port'])})
    GROUP BY t, master
) AS primary USING (t, master)
ORDER BY t`;

const byName = '${__field.name}';

export function instanceDetail(): Dashboard {
  return redscopeDashboard({
    uid: 'redscope-instance-detail',
    title: 'Redscope / Instance detail',
    description:
      'INFO of one Redis instance over time: memory, fragmentation, clients, load, hit ratio, replication and persistence.',
    variables: [clusterVariable(), instanceVariable(false)],
    panels: [
      sqlPanel({
        kind: 'table',
        title: 'Status (latest sample)',
        width: 24,
        height: 4,
        columns: {
          current_role: 'Role',
          redis_version: 'Version',
          uptime_s: 'Uptime (s)',
          master_link: 'Master link',
          rdb_last_bgsave: 'Last BGSAVE',
          rdb_unsaved_changes: 'Unsaved changes',
          aof_enabled: 'AOF',
          aof_last_write: 'AOF last write',
          last_sample: 'Last sample',
        },
        sql: status,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Memory',
        unit: 'bytes',
        legend: byName,
        description: 'maxmemory 0 means no limit.',
        sql: instanceSeries({ fields: ['used_memory', 'used_memory_rss', 'maxmemory'], per: 'avg' }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Fragmentation ratio',
        unit: 'short',
        decimals: 2,
        description: 'used_memory_rss / used_memory. Well above 1.5 wastes RAM; below 1 means the OS swapped.',
        sql: instanceSeries({ fields: ['mem_fragmentation_ratio'], per: 'avg' }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Clients',
        unit: 'short',
        legend: byName,
        sql: instanceSeries({ fields: ['connected_clients', 'blocked_clients'], per: 'avg' }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Ops/s',
        unit: 'ops',
        sql: instanceSeries({ fields: ['instantaneous_ops_per_sec'], per: 'avg' }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Hit ratio',
        unit: 'percentunit',
        description: 'keyspace_hits / (keyspace_hits + keyspace_misses), from their increase in each interval.',
        sql: hitRatio,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Replication lag',
        unit: 'bytes',
        description: "For a replica: its master's master_repl_offset minus its slave_repl_offset. Empty for a master.",
        sql: replicationLag,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Persistence',
        unit: 'short',
        legend: byName,
        width: 24,
        description: 'Writes not yet in an RDB snapshot, and whether an RDB save or AOF rewrite is running (1).',
        sql: instanceSeries({
          fields: ['rdb_changes_since_last_save', 'rdb_bgsave_in_progress', 'aof_rewrite_in_progress'],
          per: 'avg',
        }),
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Error replies /s by type',
        unit: 'short',
        legend: '${__field.labels.error}',
        width: 24,
        description:
          'errorstats: replies per second by error prefix (MOVED/ASK redirects, OOM when maxmemory is hit, NOSCRIPT, WRONGTYPE, NOAUTH …).',
        sql: `SELECT ${bucket} AS t, error, sum(count_delta) / $__interval_s AS per_second
FROM error_stats
WHERE $__timeFilter(ts) AND ${oneInstance}
GROUP BY t, error
ORDER BY t`,
      }),
    ],
  });
}
