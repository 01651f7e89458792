// Keys: the biggest keys (bytes and elements), hot keys and hot slots, key patterns by
// bytes, keys without TTL by pattern over time, each pattern's TTL histogram (how many
// keys expire within the hour: the expiry-avalanche risk) and the fastest-growing
// patterns. Scans run every 6 h per shard by default, so the dashboard opens on 24 h and
// "now" is each shard's latest scan in the range.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { redscopeDashboard } from '../lib/dashboard.ts';
import { sqlPanel } from '../lib/panels.ts';
import { gauge, inRange, rollupBucket } from '../lib/rollups.ts';
import { bucket, clusterFilter, instancesFilter } from '../lib/sql.ts';
import { clusterVariable, instanceVariable } from '../lib/variables.ts';

const selected = `$__timeFilter(ts) AND ${clusterFilter} AND ${instancesFilter}`;

/** Rows of each instance's latest hot-key observation per method in the range. */
const latestOf = (table: string, by: string) =>
  `(${by}, ts_ms) IN (SELECT ${by}, max(ts_ms) FROM ${table} WHERE ${selected} GROUP BY ${by})`;

/** Does scan tuple s = (instance, scanned_on, ts_ms) come after this row's scan and share a node with it? */
const laterOnSameNodes = `tupleElement(s, 3) > scan_ms AND (tupleElement(s, 1) = instance OR tupleElement(s, 1) = scan_node
        OR tupleElement(s, 2) = instance OR tupleElement(s, 2) = scan_node)`;

/**
 * Rows of each shard's latest scan in the range. A scan belongs to the shard's master at
 * the time (\`instance\`) and ran on \`scanned_on\` (usually its replica). After a failover
 * the old master's last scan and the new master's scans cover the same keys, so a scan
 * that a later scan sharing one of its nodes supersedes is left out (the seeded failover
 * in test/dashboards-seeded.test.ts counted one shard twice before). Supersession is
 * judged over the whole cluster selection, not only the selected instances.
 * \`scan_node != ''\` (always true) is there for 18.16, which drops a subquery column that
 * only a lambda reads ("Unknown identifier: scan_node").
 */
const latestScanSet = (table: string) => `SELECT instance, scan_ms
    FROM (
        SELECT instance, scan_ms, scan_node, arrayExists(s -> ${laterOnSameNodes}, (
            SELECT groupArray((instance, scanned_on, last_ms))
            FROM (SELECT instance, scanned_on, max(ts_ms) AS last_ms FROM ${table} WHERE $__timeFilter(ts) AND ${clusterFilter} GROUP BY instance, scanned_on)
        )) AS superseded
        FROM (
            SELECT instance, max(ts_ms) AS scan_ms, argMax(scanned_on, ts_ms) AS scan_node
            FROM ${table} WHERE ${selected} GROUP BY instance
        )
    )
    WHERE superseded = 0 AND scan_node != ''`;

const latestScans = (table: string) => `(instance, ts_ms) IN (
    ${latestScanSet(table)}
)`;

const bigKeys = (ranking: 'bytes' | 'length') => `SELECT key, instance, type, bytes, length AS elements,
       if(ttl_ms < 0, 'none', toString(round(ttl_ms / 1000))) AS ttl_s, pattern
FROM big_keys
WHERE ${selected} AND ranking = '${ranking}' AND ${latestScans('big_keys')}
ORDER BY ${ranking === 'bytes' ? 'bytes' : 'length'} DESC, instance, key
LIMIT 50`;

const bigKeyColumns = {
  key: 'Key',
  instance: 'Instance',
  type: 'Type',
  bytes: 'Bytes',
  elements: 'Elements',
  ttl_s: 'TTL (s)',
  pattern: 'Pattern',
};

/** Each key pattern summed over the latest scan of every selected shard. */
const latestPatterns = (values: string) => `SELECT pattern, ${values}
FROM key_patterns
WHERE ${selected} AND ${latestScans('key_patterns')}
GROUP BY pattern`;

export function keys(): Dashboard {
  return redscopeDashboard({
    uid: 'redscope-keys',
    title: 'Redscope / Keys',
    description:
      'Biggest and hottest keys, hot slots, key patterns by bytes, keys without TTL by pattern, TTL histograms (expiry-avalanche risk) and the fastest-growing patterns, from keyspace scans and hot-key sampling.',
    variables: [clusterVariable(), instanceVariable(true)],
    from: 'now-24h',
    panels: [
      sqlPanel({
        kind: 'table',
        title: 'Biggest keys by bytes',
        description:
          'MEMORY USAGE of the top keys of each shard’s latest scan. Deleting one blocks Redis (use UNLINK).',
        columns: bigKeyColumns,
        sql: bigKeys('bytes'),
      }),
      sqlPanel({
        kind: 'table',
        title: 'Biggest keys by elements',
        description:
          'Hashes, lists, sets, sorted sets and streams with the most elements: O(N) commands on them block.',
        columns: bigKeyColumns,
        sql: bigKeys('length'),
      }),
      sqlPanel({
        kind: 'table',
        title: 'Hot keys',
        description:
          'Latest observation per instance and method: LFU counter (OBJECT FREQ), or CPU / network / command counts where the server tracks them.',
        columns: {
          key: 'Key',
          instance: 'Instance',
          method: 'Method',
          metric: 'Metric',
          score: 'Score',
          pattern: 'Pattern',
        },
        sql: `SELECT key, instance, method, metric, score, pattern
FROM hot_keys
WHERE ${selected} AND metric != 'slot' AND ${latestOf('hot_keys', 'instance, method')}
ORDER BY score DESC, instance, key
LIMIT 50`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Hot slots',
        description: 'CLUSTER SLOT-STATS where the server has it: CPU µs per slot when tracked, else keys per slot.',
        columns: {
          slot: 'Slot',
          instance: 'Instance',
          score: 'Score',
          slot_keys: 'Keys',
          slot_cpu_us: 'CPU (µs)',
          network_bytes: 'Network (bytes)',
        },
        sql: `SELECT slot, instance, score, slot_keys, slot_cpu_us, slot_net_in_bytes + slot_net_out_bytes AS network_bytes
FROM hot_keys
WHERE ${selected} AND metric = 'slot' AND ${latestOf('hot_keys', 'instance, method')}
ORDER BY score DESC, slot
LIMIT 50`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Key patterns by bytes',
        width: 24,
        description:
          'Key patterns (ids folded to *) over the latest scan of each selected shard (one per shard, also after a failover).',
        columns: {
          pattern: 'Pattern',
          pattern_type: 'Type',
          keys_total: 'Keys',
          bytes_total: 'Bytes',
          no_ttl_total: 'Without TTL',
          biggest_key_bytes: 'Biggest key (bytes)',
          instances: 'Instances',
          example: 'Example key',
        },
        sql: `${latestPatterns(`any(type) AS pattern_type, sum(keys) AS keys_total, sum(bytes) AS bytes_total,
       sum(no_ttl) AS no_ttl_total, max(max_bytes) AS biggest_key_bytes, uniqExact(instance) AS instances,
       any(example_key) AS example`)}
ORDER BY bytes_total DESC
LIMIT 50`,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Keys without TTL by pattern (top 10)',
        unit: 'short',
        legend: '${__field.labels.pattern}',
        minInterval: '6h',
        description:
          'Keys without TTL per pattern in each scan, summed over the instances scanned in the interval (buckets of at least 6 h, the default scan interval, so each shard counts once).',
        sql: `SELECT ${bucket} AS t, pattern, sum(no_ttl) AS keys_without_ttl
FROM key_patterns
WHERE ${selected} AND pattern IN (
    SELECT pattern FROM key_patterns WHERE ${selected} AND ${latestScans('key_patterns')}
    GROUP BY pattern ORDER BY sum(no_ttl) DESC LIMIT 10
)
GROUP BY t, pattern
ORDER BY t`,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Keys without TTL per instance (INFO, masters)',
        unit: 'short',
        legend: '${__field.labels.instance}',
        minInterval: '1m',
        description:
          'keys − expires from INFO keyspace every second (minute averages): the figure the non-expiring-keys alert watches; the patterns holding them are above.',
        sql: `SELECT ${rollupBucket} AS t, instance, ${gauge('keys_without_ttl')} AS keys_without_ttl
FROM info_1m
WHERE ${inRange} AND ${clusterFilter} AND ${instancesFilter}
GROUP BY t, instance
HAVING argMaxMerge(last_role) = 'master'
ORDER BY t`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'TTL histogram per pattern',
        width: 24,
        description:
          'Keys of each pattern by remaining TTL at the latest scan. Many keys in one short bucket expire together (an expiry avalanche); "none" never expire.',
        columns: {
          pattern: 'Pattern',
          keys_total: 'Keys',
          h_none: 'No TTL',
          h_lt1m: '< 1 min',
          h_lt1h: '< 1 h',
          h_lt1d: '< 1 day',
          h_lt7d: '< 7 days',
          h_ge7d: '≥ 7 days',
          expiring_within_1h: 'Expiring within 1 h',
        },
        sql: `SELECT pattern, keys_total, h_none, h_lt1m, h_lt1h, h_lt1d, h_lt7d, h_ge7d,
       (h_lt1m + h_lt1h) / greatest(keys_total, 1) AS expiring_within_1h
FROM (
${latestPatterns(`sum(keys) AS keys_total, sum(ttl_none) AS h_none, sum(ttl_lt1m) AS h_lt1m, sum(ttl_lt1h) AS h_lt1h,
       sum(ttl_lt1d) AS h_lt1d, sum(ttl_lt7d) AS h_lt7d, sum(ttl_ge7d) AS h_ge7d`)}
)
ORDER BY keys_total DESC
LIMIT 50`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Fastest-growing patterns',
        width: 24,
        description:
          'Change between the first and the last scan of each instance in the range, summed per pattern (instances scanned once count 0); bytes now and instances from each shard’s latest scan.',
        columns: {
          pattern: 'Pattern',
          bytes_growth: 'Bytes +',
          keys_growth: 'Keys +',
          no_ttl_growth: 'Without TTL +',
          bytes_now: 'Bytes now',
          instances: 'Instances',
        },
        sql: `SELECT pattern, sum(b_last - b_first) AS bytes_growth, sum(k_last - k_first) AS keys_growth,
       sum(n_last - n_first) AS no_ttl_growth, sumIf(b_last, current) AS bytes_now, uniqExactIf(instance, current) AS instances
FROM (
    SELECT instance, pattern, b_first, b_last, k_first, k_last, n_first, n_last,
           (instance, last_ms) IN (
    ${latestScanSet('key_patterns')}
           ) AS current
    FROM (
        SELECT instance, pattern, max(ts_ms) AS last_ms,
               toInt64(argMin(bytes, ts_ms)) AS b_first, toInt64(argMax(bytes, ts_ms)) AS b_last,
               toInt64(argMin(keys, ts_ms)) AS k_first, toInt64(argMax(keys, ts_ms)) AS k_last,
               toInt64(argMin(no_ttl, ts_ms)) AS n_first, toInt64(argMax(no_ttl, ts_ms)) AS n_last
        FROM key_patterns
        WHERE ${selected}
        GROUP BY instance, pattern
    )
)
GROUP BY pattern
ORDER BY bytes_growth DESC, keys_growth DESC
LIMIT 20`,
      }),
    ],
  });
}
