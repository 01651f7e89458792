// A synthetic hour of a 2,000-instance fleet (8 clusters × 250 instances, masters and
// replicas alternating), generated inside ClickHouse with INSERT … SELECT FROM numbers(),
// for measuring how many rows each dashboard query reads (test/dashboards-budget.test.ts).
//
// Densities (what a busy fleet sends in an hour):
//   info_samples,       one per instance per 10 s (720,000 rows each; the collector samples
//   topology_samples,   every second). No panel reads them raw over the fleet — only their
//   latency_probes      minute rollups, which hold one row per instance (or cluster) and minute
//                       either way; a panel that scanned one would read ~720,000 rows. Instance
//                       detail reads one instance raw: a granule (8,192 rows) holds more than
//                       its hour even at 1 s, so its count is the same as at 1 s. INFO carries
//                       MOVED in errorstats (one error_stats row per sample).
//   client_summaries    one per instance per 15 s (480,000 rows), 5 client groups each
//   slowlog             one entry per instance per minute (120,000 rows)
//   latency_events      one spike per instance per 5 minutes (24,000 rows)
//   config_audits       one per instance per 5 minutes (24,000), 6 findings each (144,000)
//   key_patterns        a sixth of the 1,000 shards scanned (6 h cycle): 200 patterns each
//   big_keys            the same scans, top 50 keys by bytes and by length
//   hot_keys            100 LFU masters, top 20 keys every 5 minutes (24,000 rows)
//   topology_changes    3 failovers, each seen by the cluster's 250 nodes (4 changes each)
//   instance_status     5 instances down for the last 10 minutes, a row every 30 s
//   alerts …            200 alerts fired, notified and resolved; their state and deliveries
// Rollups (info_1m, topology_1m, ping_1m, clients_1m, instance_inventory) and the per-error
// table are filled afterwards by their materialized views' own SELECTs over the whole hour,
// so they hold one row per key: what background merges leave (see the budget test).

export const FLEET = { clusters: 8, perCluster: 250 } as const;
export const INSTANCES = FLEET.clusters * FLEET.perCluster;

/** Expressions of instance number `i` (0 … 1,999): even ones are masters, i + 1 their replica. */
const cluster = (i: string) => `concat('c', toString(intDiv(${i}, ${FLEET.perCluster})))`;
const host = (i: string) =>
  `concat('10.0.', toString(intDiv(${i}, ${FLEET.perCluster})), '.', toString(${i} % ${FLEET.perCluster}))`;
const instance = (i: string) => `concat(${host(i)}, ':6379')`;
const role = (i: string) => `if(${i} % 2 = 0, 'master', 'replica')`;

/** One sample per instance every `everyS` seconds of the hour from `t0`, in (instance, time) order. */
const perInstance = (t0: number, everyS: number) =>
  `(SELECT intDiv(number, ${3600 / everyS}) AS i, ${t0} + (number % ${3600 / everyS}) * ${everyS} AS at FROM system.numbers LIMIT ${INSTANCES * (3600 / everyS)})`;

const num = (exprs: string[]) => `[${exprs.map((e) => `toFloat64(${e})`).join(', ')}]`;

/** Five commands per sample, each with its LATENCY HISTOGRAM buckets (what 0031's rollups read). */
const COMMANDS = ['get', 'set', 'hget', 'del', 'expire'];
const COMMAND_COLUMNS = `command_names, command_calls, command_usec, command_rejected_calls, command_failed_calls,
    command_calls_delta, command_usec_delta, command_p50_us, command_p99_us, command_p999_us,
    command_latency_le, command_latency_n, command_mean_bucket`;

function commandValues(s: string): string {
  const each = (f: (c: number) => string) => `[${COMMANDS.map((_, c) => f(c)).join(', ')}]`;
  const u64 = (f: (c: number) => string) => each((c) => `toUInt64(${f(c)})`);
  const f64 = (f: (c: number) => string) => each((c) => `toNullable(toFloat64(${f(c)}))`);
  return [
    `[${COMMANDS.map((c) => `'${c}'`).join(', ')}]`,
    u64((c) => `1000 * ${s} * ${c + 1}`),
    u64((c) => `3000 * ${s} * ${c + 1}`),
    u64(() => '0'),
    u64(() => '0'),
    u64((c) => `1000 * ${c + 1}`),
    u64((c) => `3000 * ${c + 1}`),
    f64(() => '2'),
    f64(() => '16'),
    f64(() => '64'),
    each((c) => `[toUInt8(1), toUInt8(2), toUInt8(${3 + c}), toUInt8(10)]`),
    each(
      (c) =>
        `[toUInt64(${600 * (c + 1)}), toUInt64(${300 * (c + 1)}), toUInt64(${90 * (c + 1)}), toUInt64(${10 * (c + 1)})]`,
    ),
    each((c) => `toUInt8(${2 + c})`),
  ].join(',\n    ');
}

function infoSamples(db: string, t0: number): string {
  const names = [
    'used_memory',
    'used_memory_rss',
    'maxmemory',
    'mem_fragmentation_ratio',
    'connected_clients',
    'blocked_clients',
    'instantaneous_ops_per_sec',
    'keyspace_keys_without_ttl',
    'evicted_keys',
    'expired_keys',
    'rejected_connections',
    'keyspace_hits',
    'keyspace_misses',
    'uptime_in_seconds',
    'rdb_changes_since_last_save',
    'rdb_bgsave_in_progress',
    'aof_rewrite_in_progress',
    'aof_enabled',
    'master_repl_offset',
  ];
  const s = `(at - ${t0})`;
  const values = num([
    `1e8 + i * 1000`,
    `1.3e8 + i * 1000`,
    `4e9`,
    `1.3`,
    `50 + i % 7`,
    `i % 3 = 0`,
    `1000 + ${s} % 100`,
    `1000 + i`,
    `i % 5 * ${s}`,
    `10 * ${s}`,
    `i % 50 = 0 ? ${s} : 0`,
    `900 * ${s}`,
    `100 * ${s}`,
    `86400 + ${s}`,
    `${s}`,
    `0`,
    `0`,
    `0`,
    `1000 * ${s}`,
  ]);
  return `INSERT INTO ${db}.info_samples (ts, ts_ms, cluster, instance, host, role, version, collector,
    metric_names, metric_values, text_names, text_values, error_names, error_counts, error_count_deltas,
    ${COMMAND_COLUMNS})
SELECT toDateTime(at), toUInt64(at) * 1000 + i % 1000, ${cluster('i')}, ${instance('i')}, ${host('i')}, ${role('i')}, '7.0.15', 'budget',
    if(i % 2 = 0, ${JSON.stringify(names).replaceAll('"', "'")}, arrayConcat(${JSON.stringify(names).replaceAll('"', "'")}, ['slave_repl_offset', 'master_port'])),
    if(i % 2 = 0, ${values}, arrayConcat(${values}, ${num([`1000 * ${s} - 500`, '6379'])})),
    if(i % 2 = 0, ['role', 'rdb_last_bgsave_status', 'aof_last_write_status'],
        ['role', 'rdb_last_bgsave_status', 'aof_last_write_status', 'master_host', 'master_link_status']),
    if(i % 2 = 0, ['master', 'ok', 'ok'], ['slave', 'ok', 'ok', ${host('(i - 1)')}, 'up']),
    ['MOVED'], [toUInt64(${s})], [toUInt64(${s} % 10 = 0)],
    ${commandValues(s)}
FROM ${perInstance(t0, 10)}`;
}

function topologySamples(db: string, t0: number): string {
  return `INSERT INTO ${db}.topology_samples (ts, ts_ms, cluster, instance, node_id, collector, cluster_state,
    slots_assigned, slots_ok, known_nodes, size, role, masters, replicas, view_hash)
SELECT toDateTime(at), toUInt64(at) * 1000, ${cluster('i')}, ${instance('i')}, lower(hex(MD5(${instance('i')}))), 'budget', 'ok',
    16384, 16384, ${FLEET.perCluster}, ${FLEET.perCluster / 2}, ${role('i')}, ${FLEET.perCluster / 2}, ${FLEET.perCluster / 2}, 'h'
FROM ${perInstance(t0, 10)}`;
}

function latencyProbes(db: string, t0: number): string {
  return `INSERT INTO ${db}.latency_probes (ts, ts_ms, cluster, instance, collector, pings_answered, min_us, max_us, mean_us,
    p50_us, p90_us, p99_us, p999_us, bucket_le_us, bucket_counts)
SELECT toDateTime(at), toUInt64(at) * 1000, ${cluster('i')}, ${instance('i')}, 'budget', 10, 80, 400 + i % 300, 120, 100, 150, 400, 400,
    [64, 128, 256, 512, 1024], [1, 6, 2, 1, 0]
FROM ${perInstance(t0, 10)}`;
}

function clientSummaries(db: string, t0: number): string {
  return `INSERT INTO ${db}.client_summaries (ts, ts_ms, cluster, instance, collector, total, idle_max_s, idle_threshold_s,
    idle_over_threshold, omem_total_bytes, names_distinct, hosts_distinct,
    by_name_keys, by_name_counts, by_name_idle_max_s, by_name_omem_bytes,
    by_host_keys, by_host_counts, by_host_idle_max_s, by_host_omem_bytes)
SELECT toDateTime(at), toUInt64(at) * 1000, ${cluster('i')}, ${instance('i')}, 'budget', 60, 900, 300, 12, 0, 5, 5,
    ['api', 'worker', 'cron', 'admin', 'redscope'], [30, 15, 10, 3, 2], [12, 40, 900, 5, 1], [0, 0, 0, 0, 0],
    ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4', '10.1.0.5'], [20, 15, 10, 10, 5], [12, 40, 900, 5, 1], [0, 0, 0, 0, 0]
FROM ${perInstance(t0, 15)}`;
}

function slowlog(db: string, t0: number): string {
  return `INSERT INTO ${db}.slowlog (ts, sample_ts_ms, cluster, instance, host, collector, run_id, entry_id, duration_us,
    command, args, arg_count, client_addr, client_name)
SELECT toDateTime(at + i % 60), toUInt64(at + i % 60) * 1000, ${cluster('i')}, ${instance('i')}, ${host('i')}, 'budget', 'r',
    at - ${t0}, 10000 + (i * 7919 + at) % 200000, ['get', 'hgetall', 'keys', 'del'][1 + (i + at) % 4],
    [concat('user:', toString((i * 31 + at) % 10000), ':cart')], 2, '10.1.0.1:5000', 'api'
FROM ${perInstance(t0, 60)}`;
}

function latencyEvents(db: string, t0: number): string {
  return `INSERT INTO ${db}.latency_events (ts, sample_ts_ms, cluster, instance, event, latency_ms)
SELECT toDateTime(at + i % 300), toUInt64(at + i % 300) * 1000, ${cluster('i')}, ${instance('i')},
    ['command', 'fast-command', 'fork'][1 + i % 3], 100 + i % 400
FROM ${perInstance(t0, 300)}`;
}

function configAudits(db: string, t0: number): string[] {
  const rules = `['timeout-zero', 'dangerous-command', 'repl-backlog-small', 'maxmemory-unbounded', 'cluster-node-timeout', 'save-on-master']`;
  return [
    `INSERT INTO ${db}.config_audits (ts, ts_ms, cluster, instance, collector, role, version, rules_checked, findings, warning)
SELECT toDateTime(at + i % 300), toUInt64(at + i % 300) * 1000, ${cluster('i')}, ${instance('i')}, 'budget', ${role('i')}, '7.0.15', ${rules}, 6, 6
FROM ${perInstance(t0, 300)}`,
    `INSERT INTO ${db}.config_findings (ts, ts_ms, cluster, instance, role, rule, severity, setting, value, recommendation, message)
SELECT toDateTime(at + i % 300), toUInt64(at + i % 300) * 1000, ${cluster('i')}, ${instance('i')}, ${role('i')}, rule, 'warning',
    rule, 'v', 'r', concat(rule, ' on ', ${instance('i')})
FROM ${perInstance(t0, 300)} ARRAY JOIN ${rules} AS rule`,
  ];
}

/** Scans of the masters whose 6-hourly scan falls in this hour: one in six (i % 12 = 0). */
function keyspace(db: string, t0: number): string[] {
  const scans = `(SELECT number * 12 AS i, ${t0} + (number * 37) % 3600 AS at FROM system.numbers LIMIT ${Math.ceil(INSTANCES / 12)})`;
  const scanOn = instance('(i + 1)');
  return [
    `INSERT INTO ${db}.key_patterns (ts, ts_ms, cluster, instance, scanned_on, scanned_role, collector, pattern, type, keys, bytes,
    no_ttl, ttl_none, ttl_lt1h, max_bytes, example_key, scan_keys, scan_dbsize)
SELECT toDateTime(at), toUInt64(at) * 1000, ${cluster('i')}, ${instance('i')}, ${scanOn}, 'replica', 'budget',
    concat('app', toString(p), ':*:obj'), 'hash', 1000 + p, 100000 + p * 10, p % 3 = 0 ? 1000 + p : 0, p % 3 = 0 ? 1000 + p : 0,
    p % 3 = 0 ? 0 : 1000 + p, 5000, concat('app', toString(p), ':1:obj'), 300000, 300000
FROM ${scans} ARRAY JOIN range(200) AS p`,
    `INSERT INTO ${db}.big_keys (ts, ts_ms, cluster, instance, scanned_on, ranking, rank, key, pattern, type, bytes, length, ttl_ms)
SELECT toDateTime(at), toUInt64(at) * 1000, ${cluster('i')}, ${instance('i')}, ${scanOn}, ranking, r + 1,
    concat('app', toString(r), ':', toString(i), ':obj'), concat('app', toString(r), ':*:obj'), 'hash', 1000000 - r * 1000, 100000 - r, -1
FROM (SELECT i, at, r FROM ${scans} ARRAY JOIN range(50) AS r) ARRAY JOIN ['bytes', 'length'] AS ranking`,
    `INSERT INTO ${db}.hot_keys (ts, ts_ms, cluster, instance, observed_on, method, metric, rank, key, pattern, score, slot, window_ms)
SELECT toDateTime(at), toUInt64(at) * 1000, ${cluster('i * 20')}, ${instance('i * 20')}, ${instance('i * 20')}, 'object-freq', 'lfu-counter', r + 1,
    concat('hot:', toString(r)), 'hot:*', 255 - r, -1, 0
FROM (SELECT intDiv(number, 12) AS i, ${t0} + (number % 12) * 300 AS at FROM system.numbers LIMIT ${(INSTANCES / 20) * 12})
ARRAY JOIN range(20) AS r`,
  ];
}

function topologyChanges(db: string, t0: number): string {
  // Failovers in clusters c1, c3, c5 at 10, 25 and 40 minutes: every node reports the
  // promoted replica's role and the old master's fail flag, master change and slots.
  return `INSERT INTO ${db}.topology_changes (ts, ts_ms, cluster, instance, observer_id, kind, node_id, addr, from_value, to_value, slot_start, slot_end)
SELECT toDateTime(at), toUInt64(at) * 1000, concat('c', toString(c)), concat('10.0.', toString(c), '.', toString(o), ':6379'), toString(o),
    kind, 'n1', concat('10.0.', toString(c), '.1:6379'), from_value, to_value, NULL, NULL
FROM (SELECT 1 + 2 * intDiv(number, ${FLEET.perCluster}) AS c, number % ${FLEET.perCluster} AS o,
             ${t0} + (10 + 15 * intDiv(number, ${FLEET.perCluster})) * 60 AS at FROM system.numbers LIMIT ${3 * FLEET.perCluster})
ARRAY JOIN ['role', 'failing', 'master', 'slots'] AS kind, ['replica', 'pfail', 'n0', ''] AS from_value, ['master', 'fail', '', '0-5460'] AS to_value`;
}

function instanceStatus(db: string, t0: number): string {
  return `INSERT INTO ${db}.instance_status (ts, ts_ms, cluster, instance, collector, reachable, error, since_ms)
SELECT toDateTime(at), toUInt64(at) * 1000, ${cluster('i')}, ${instance('i')}, 'budget', 0, 'connect ECONNREFUSED', toUInt64(${t0 + 3000}) * 1000
FROM (SELECT 400 * intDiv(number, 20) AS i, ${t0 + 3000} + (number % 20) * 30 AS at FROM system.numbers LIMIT 100)`;
}

function alerts(db: string, t0: number): string[] {
  const fired = `(SELECT number AS n, ${t0} + number * 18 AS at, concat('fp', toString(number)) AS fp,
      ['failover', 'memory-near-maxmemory', 'config-finding', 'slowlog-storm'][1 + number % 4] AS rule,
      concat('c', toString(number % 8)) AS cl FROM system.numbers LIMIT 200)`;
  return [
    `INSERT INTO ${db}.alerts (ts, ts_ms, fingerprint, rule, cluster, instance, severity, transition, status, summary, receiver)
SELECT toDateTime(at + off), toUInt64(at + off) * 1000, fp, rule, cl, '', 'warning', transition, status, concat(rule, ' in ', cl), receiver
FROM ${fired}
ARRAY JOIN ['fired', 'notified', 'resolved'] AS transition, ['firing', 'firing', 'resolved'] AS status, [0, 1, 600] AS off, ['', 'ops', ''] AS receiver`,
    `INSERT INTO ${db}.alert_state (fingerprint, version, updated_at, rule, cluster, instance, severity, status, firing_since_ms, resolved_at_ms, event)
SELECT fp, v, toDateTime(at + v), rule, cl, '', 'warning', if(v = 2 AND n % 5 != 0, 'resolved', 'firing'), toUInt64(at) * 1000,
    if(v = 2, toUInt64(at + 600) * 1000, 0), '{"summary":"s"}'
FROM ${fired} ARRAY JOIN [1, 2] AS v`,
    `INSERT INTO ${db}.alert_deliveries (ts, ts_ms, id, receiver, receiver_type, cluster, rule, fingerprints, outcome, attempts, http_status)
SELECT toDateTime(at + 1), toUInt64(at + 1) * 1000, concat('n', fp), 'ops', 'slack', cl, rule, [fp], 'ok', 1, 200
FROM ${fired}`,
  ];
}

/** The INSERTs that fill the raw tables for the hour starting at `t0` (unix seconds, on a minute). */
export function budgetFleetInserts(db: string, t0: number): string[] {
  return [
    infoSamples(db, t0),
    topologySamples(db, t0),
    latencyProbes(db, t0),
    clientSummaries(db, t0),
    slowlog(db, t0),
    latencyEvents(db, t0),
    ...configAudits(db, t0),
    ...keyspace(db, t0),
    topologyChanges(db, t0),
    instanceStatus(db, t0),
    ...alerts(db, t0),
  ];
}
