// The dashboards on data the real pipeline carried: conditions seeded on the local Redis
// Cluster (a big string and a big hash, keys without TTL and keys expiring within the hour,
// `DEBUG SLEEP 0.2`, a failover by SIGSTOP, a risky `save` setting, a client pool left idle,
// MOVED replies) go through the real collector → Kafka → stream processor → ClickHouse,
// and the alert manager delivers the failover to a local chat endpoint. Then every query of
// every dashboard runs with the plugin's macros expanded, each result must have its panel's
// shape, every panel must return rows (but those listed with the reason they cannot here),
// and each dashboard shows at least one seeded value: the big key with its MEMORY USAGE, the
// 200 ms slowlog entry, the failover annotation at the time of the promotion, …
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { createClient } from '@clickhouse/client';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlerts, type RunningAlerts } from '../alerts/index.ts';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import type { ClusterNode } from '../collectors/samplers/topology/parse-cluster-nodes.ts';
import type { Config } from '../common/config.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';
import type { VariableValue } from '../dashboards/macros.ts';
import { renderDashboards } from '../dashboards/index.ts';
import { dashboardQueries } from '../dashboards/queries.ts';
import { startStream, type RunningStream } from '../stream/index.ts';
import { startChatEndpoint, type ChatEndpoint } from './support/chat-endpoint.ts';
import {
  allOf,
  queryVariables,
  rowsOf,
  runOf,
  runQueries,
  type QueryRun,
  type TimeRange,
} from './support/dashboard-run.ts';
import { clusterNodes, clusterWhole, pidOf } from './support/freeze.ts';
import { startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, endpoints, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';

const CLUSTER = uniqueName('seeded');
// Letters only: digits in a key would be folded into the pattern (`rsdash12ab:…` → `rsdash*ab:…`).
const letters = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');
const prefix = `rsdash${letters(8)}`;
const KEYS = {
  blob: `${prefix}:blob:1`,
  hash: `${prefix}:hash:1`,
  session: (i: number) => `${prefix}:session:${i}`,
  cache: (i: number) => `${prefix}:cache:${i}`,
};
const BLOB_BYTES = 2 * 1024 * 1024;
const HASH_FIELDS = 10_000;
const NO_TTL_KEYS = 300;
const EXPIRING_KEYS = 100;
const POOL_SIZE = 5;
const poolName = `${prefix}-pool`;
const slowName = `${prefix}-slow`;

let config: Config;
let chat: ChatEndpoint;
let stream: RunningStream | undefined;
let alerts: RunningAlerts | undefined;
let collector: RunningCollector | undefined;
const redisClients: Redis[] = [];
let cluster: Cluster;
const addr = (n: ClusterNode) => `${n.host}:${n.port}`;

/** What the test did and saw, for the value checks. */
const seeded = {
  startedS: 0,
  blobBytes: 0,
  /** Masters: frozen (failed over), slept (DEBUG SLEEP, `save`), pooled (idle clients). */
  frozen: '',
  promoted: '',
  slept: '',
  sleptReplica: '',
  pooled: '',
  blobOwner: '',
  hashOwner: '',
  stoppedAtMs: 0,
  promotionSeenAtMs: 0,
  instances: [] as string[],
  redisVersion: '',
};

function client(address: string, name?: string): Redis {
  const [host, port] = address.split(':');
  const r = new Redis({ host, port: Number(port), connectionName: name, lazyConnect: true, maxRetriesPerRequest: 1 });
  r.on('error', () => {});
  redisClients.push(r);
  return r;
}

/** The master serving `key` (its slot's owner in CLUSTER NODES). */
async function ownerOf(key: string, nodes: ClusterNode[]): Promise<string> {
  const slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
  const owner = nodes.find((n) => n.role === 'master' && n.slots.some(([a, b]) => slot >= a && slot <= b));
  if (!owner) throw new Error(`no master serves slot ${slot}`);
  return addr(owner);
}

async function seedKeys(nodes: ClusterNode[]): Promise<void> {
  await cluster.set(KEYS.blob, 'x'.repeat(BLOB_BYTES));
  for (let i = 0; i < HASH_FIELDS; i += 1000)
    await cluster.hset(
      KEYS.hash,
      Object.fromEntries(Array.from({ length: 1000 }, (_, j) => [`f${i + j}`, String(i + j)])),
    );
  await Promise.all(Array.from({ length: NO_TTL_KEYS }, (_, i) => cluster.set(KEYS.session(i), `s${i}`)));
  await Promise.all(Array.from({ length: EXPIRING_KEYS }, (_, i) => cluster.set(KEYS.cache(i), `c${i}`, 'EX', 1800)));
  seeded.blobBytes = Number(await cluster.call('MEMORY', 'USAGE', KEYS.blob));
  seeded.blobOwner = await ownerOf(KEYS.blob, nodes);
  seeded.hashOwner = await ownerOf(KEYS.hash, nodes);
  // The scan runs on each master's replica: wait until the replicas have the keys.
  for (const n of nodes.filter((m) => m.role === 'master' && m.slots.length > 0))
    await client(addr(n)).call('WAIT', '1', '5000');
}

beforeAll(async () => {
  chat = await startChatEndpoint();
  const base = testConfig();
  config = {
    ...base,
    collector: {
      ...base.collector,
      clusters: [{ name: CLUSTER, seeds: endpoints.redisSeeds.slice(0, 1) }],
      topology: { ...base.collector.topology, everyMs: 500 },
      slowlog: { ...base.collector.slowlog, everyMs: 500 },
      clients: { ...base.collector.clients, everyMs: 1000, idleThresholdS: 1 },
      configAudit: { ...base.collector.configAudit, everyMs: 2000 },
      keyspace: { ...base.collector.keyspace, everyMs: 5000, jitterMs: 0, keysPerSecond: 0 },
    },
    alerts: {
      ...base.alerts,
      groupWaitMs: 0,
      managerGroupId: uniqueName('seeded-alerts'),
      deliveryGroupId: uniqueName('seeded-delivery'),
      routes: [{ match: { rule: 'failover' }, receiver: 'chat' }],
      receivers: [{ name: 'chat', type: 'webhook', url: chat.url }],
    },
  };
  await eventually(
    () => clusterWhole(endpoints.redisSeeds),
    (ok) => ok,
    { timeoutMs: 60_000, what: 'a whole cluster before the test' },
  );
  const nodes = await clusterNodes(endpoints.redisSeeds[0]!);
  seeded.instances = nodes.map(addr).sort();
  const masters = nodes.filter((n) => n.role === 'master' && n.slots.length > 0);
  const [frozen, slept, pooled] = masters;
  seeded.frozen = addr(frozen!);
  seeded.promoted = addr(nodes.find((n) => n.masterId === frozen!.id)!);
  seeded.slept = addr(slept!);
  seeded.sleptReplica = addr(nodes.find((n) => n.masterId === slept!.id)!);
  seeded.pooled = addr(pooled!);
  seeded.redisVersion = /redis_version:(\S+)/.exec(await client(seeded.slept).info('server'))![1]!;

  const [host, port] = endpoints.redisSeeds[0]!.split(':');
  cluster = new Cluster([{ host, port: Number(port) }]);
  await seedKeys(nodes);
  // A pool opened and never used again, and a risky setting on one master.
  await Promise.all(Array.from({ length: POOL_SIZE }, () => client(seeded.pooled, poolName).connect()));
  await client(seeded.slept).call('CONFIG', 'SET', 'save', '900 1');

  await startGroupsAtEnd(config, [config.stream.groupId], [...SAMPLE_TOPICS]);
  await startGroupsAtEnd(config, [config.alerts.managerGroupId], [TOPICS.alerts]);
  await startGroupsAtEnd(config, [config.alerts.deliveryGroupId], [TOPICS.notifications]);
  seeded.startedS = Math.floor(Date.now() / 1000);
  stream = await startStream(config, quietLog);
  alerts = await startAlerts(config, quietLog);
  collector = await startCollector(config, quietLog);

  // The collector's first INFO and topology views: counters move from here on.
  await sleep(2000);

  // A 200 ms command on one master, MOVED replies from its replica.
  const slow = client(seeded.slept, slowName);
  await slow.call('DEBUG', 'SLEEP', '0.2');
  const replica = client(seeded.sleptReplica);
  for (let i = 0; i < 5; i++) await replica.get(KEYS.session(i)).catch(() => undefined);
  // Reads that replica serves (READONLY), hits and misses, in two rounds 2.5 s apart so that
  // at least one falls between two INFO samples of one 10 s bucket (Instance detail / Hit ratio).
  const reader = client(seeded.sleptReplica, 'reader');
  await reader.call('READONLY');
  // Session keys are hits, absent keys misses; only those in the slept master's slots are served there.
  const absent = Array.from({ length: 60 }, (_, i) => `${prefix}:absent:${i}`);
  const probes = [...Array.from({ length: NO_TTL_KEYS }, (_, i) => KEYS.session(i)), ...absent];
  const served: string[] = [];
  for (const k of probes) if ((await ownerOf(k, nodes)) === seeded.slept) served.push(k);
  for (let round = 0; round < 2; round++) {
    for (const k of served) await reader.get(k);
    await sleep(2500);
  }

  // A failover: freeze a master until its replica is promoted.
  const pid = await pidOf(seeded.frozen);
  seeded.stoppedAtMs = Date.now();
  process.kill(pid, 'SIGSTOP');
  try {
    await eventually(
      async () => (await clusterNodes(seeded.promoted)).find((n) => addr(n) === seeded.promoted)?.role,
      (role) => role === 'master',
      { timeoutMs: 30_000, intervalMs: 100, what: `${seeded.promoted} promoted` },
    );
    seeded.promotionSeenAtMs = Date.now();
    // Until the alert has reached chat: on main, a failover that resolves before its first
    // notification is recorded but never sent (under load the manager can be that late).
    await eventually(
      async () => chat.received.length,
      (n) => n > 0,
      {
        timeoutMs: 30_000,
        what: 'the failover message in chat',
      },
    ).catch(() => undefined); // the alerts check below says so
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}, 180_000);

afterAll(async () => {
  await collector?.stop();
  await alerts?.stop();
  await stream?.stop();
  await chat?.close();
  if (seeded.slept)
    await client(seeded.slept)
      .call('CONFIG', 'SET', 'save', '')
      .catch(() => undefined);
  if (cluster) {
    await Promise.all(
      [
        KEYS.blob,
        KEYS.hash,
        ...Array.from({ length: NO_TTL_KEYS }, (_, i) => KEYS.session(i)),
        ...Array.from({ length: EXPIRING_KEYS }, (_, i) => KEYS.cache(i)),
      ].map((k) => cluster.unlink(k)),
    );
    cluster.disconnect();
  }
  for (const r of redisClients) r.disconnect();
  if (config && !process.env.KEEP_DB) await dropDatabase(config); // KEEP_DB=1 keeps it for a look
  // The next tests need the old master back as a replica, everything connected.
  await eventually(
    () => clusterWhole(endpoints.redisSeeds),
    (ok) => ok,
    { timeoutMs: 90_000, what: 'the cluster whole again' },
  );
}, 180_000);

// ---- the dashboards over what was seeded ----

const dashboards = renderDashboards().map((d) => d.dashboard);

/** Cluster: the seeded one (not "All"); instance: All of it, or one for single-instance dashboards. */
function selection(d: Dashboard): Record<string, VariableValue> {
  const out: Record<string, VariableValue> = {};
  for (const v of queryVariables(d)) {
    if (v.name === 'cluster') out.cluster = { values: [CLUSTER], multi: Boolean(v.multi) };
    else if (v.name === 'instance')
      out.instance = v.multi ? allOf(v, seeded.instances) : { values: [seeded.sleptReplica], multi: false };
    // DEBUG: the seeded DEBUG SLEEP 0.2 is its only call, so its heatmap has one known bucket.
    else if (v.name === 'command') out.command = { values: ['debug'], multi: false };
    else throw new Error(`${d.title}: no seeded value for $${v.name}`);
  }
  return out;
}

/** Panels that have nothing to show from what this test can seed, and why. */
const MAY_BE_EMPTY: Record<string, string> = {
  'Fleet overview / Instances down': 'the frozen master answers again before the checks',
  'Fleet overview / Alerts firing': 'the failover alert resolves once the old master is back as a replica',
  'Alerts & events / Firing now': 'as above',
  'Cluster health & failovers / Failing nodes': "the old master's fail flag is cleared when it rejoins",
  'Cluster health & failovers / Migrating and importing slots': 'no slot is migrated',
  'Keys / Hot keys': 'hot keys need an LFU maxmemory-policy; the stack runs noeviction',
  'Keys / Hot slots': 'CLUSTER SLOT-STATS is Redis ≥ 8 / Valkey; the stack runs Redis 7.0',
};
const mayBeEmpty = (where: string) => Object.keys(MAY_BE_EMPTY).some((k) => where.endsWith(k));

let runs: Map<string, QueryRun[]>;

async function runAll(uids?: readonly string[]): Promise<Map<string, QueryRun[]>> {
  const ch = createClient({ url: config.clickhouse.url, database: config.clickhouse.database });
  const range: TimeRange = { fromSec: seeded.startedS - 60, toSec: Math.floor(Date.now() / 1000) + 1 };
  try {
    const out = new Map<string, QueryRun[]>();
    for (const d of dashboards.filter((x) => !uids || uids.includes(x.uid!)))
      out.set(d.uid!, await runQueries(ch, dashboardQueries(d), range, selection(d)));
    return out;
  } finally {
    await ch.close();
  }
}

const rows = (uid: string, title: string) => rowsOf(runOf(runs.get(uid)!, title));

/** Each dashboard's check of a seeded value: true when the panel shows it. */
const SEEDED_VALUES: Array<{ uid: string; what: string; panels: string[]; ok: () => boolean }> = [
  {
    uid: 'redscope-fleet-overview',
    what: 'the failover annotation naming the promoted replica at its time, and all 6 instances by memory',
    panels: ['annotation: Failovers', 'Nearest maxmemory'],
    ok: () =>
      failoverAnnotated('redscope-fleet-overview') &&
      rows('redscope-fleet-overview', 'Nearest maxmemory')
        .map((r) => r.instance)
        .sort()
        .join() === seeded.instances.join(),
  },
  {
    uid: 'redscope-cluster-health',
    what: 'the failover as annotation and as a role change in the topology changes table',
    panels: ['annotation: Failovers', 'Topology changes'],
    ok: () =>
      failoverAnnotated('redscope-cluster-health') &&
      rows('redscope-cluster-health', 'Topology changes').some(
        (r) => r.kind === 'role' && r.node === seeded.promoted && r.to_state === 'master',
      ),
  },
  {
    uid: 'redscope-slowlog',
    what: 'the DEBUG SLEEP 0.2 entry (≥ 200,000 µs) of the named client, and its annotation',
    panels: ['Latest slow commands', 'annotation: Commands ≥ 100 ms'],
    ok: () =>
      rows('redscope-slowlog', 'Latest slow commands').some(
        (r) =>
          r.instance === seeded.slept &&
          r.command === 'debug' &&
          Number(r.duration_ms) >= 200 &&
          r.client_name === slowName,
      ) &&
      rows('redscope-slowlog', 'annotation: Commands ≥ 100 ms').some(
        (r) => String(r.title).startsWith('debug ') && String(r.text).startsWith(`${seeded.slept}: `),
      ),
  },
  {
    uid: 'redscope-keys',
    what: 'the big string with its MEMORY USAGE, the big hash with its fields, the keys without TTL and expiring within the hour',
    panels: [
      'Biggest keys by bytes',
      'Biggest keys by elements',
      'Key patterns by bytes',
      'Fastest-growing patterns',
      'TTL histogram per pattern',
    ],
    ok: () =>
      rows('redscope-keys', 'Biggest keys by bytes').some(
        (r) =>
          r.key === KEYS.blob && r.instance === shardMaster(seeded.blobOwner) && Number(r.bytes) === seeded.blobBytes,
      ) &&
      rows('redscope-keys', 'Biggest keys by elements').some(
        (r) =>
          r.key === KEYS.hash && r.instance === shardMaster(seeded.hashOwner) && Number(r.elements) === HASH_FIELDS,
      ) &&
      rows('redscope-keys', 'Key patterns by bytes').some(
        (r) =>
          String(r.example).startsWith(`${prefix}:session:`) &&
          Number(r.keys_total) === NO_TTL_KEYS &&
          Number(r.no_ttl_total) === NO_TTL_KEYS,
      ) &&
      rows('redscope-keys', 'Fastest-growing patterns').some(
        (r) => r.pattern === sessionPattern() && Number(r.bytes_now) === sessionBytes() && Number(r.instances) === 3,
      ) &&
      rows('redscope-keys', 'TTL histogram per pattern').some(
        (r) => Number(r.keys_total) === EXPIRING_KEYS && Number(r.h_lt1h) === EXPIRING_KEYS && Number(r.h_none) === 0,
      ),
  },
  {
    uid: 'redscope-config-clients',
    what: 'the save setting on one master, and the idle pool with its connections',
    panels: ['Config findings by rule and cluster', 'Clients by name', 'Idle connections now'],
    ok: () =>
      rows('redscope-config-clients', 'Config findings by rule and cluster').some(
        (r) =>
          r.setting === 'save' &&
          String(r.value).includes('900 1') &&
          Number(r.instances) === 1 &&
          r.example === seeded.slept,
      ) &&
      rows('redscope-config-clients', 'Clients by name').some(
        (r) => r.client_group === poolName && Number(r.connections) === POOL_SIZE && Number(r.idle_max_s) >= 1,
      ) &&
      Number(rows('redscope-config-clients', 'Idle connections now')[0]?.idle_connections) >= POOL_SIZE,
  },
  {
    uid: 'redscope-alerts',
    what: 'the failover fired in the history, and delivered to the chat receiver',
    panels: ['History', 'Delivery outcomes'],
    ok: () =>
      rows('redscope-alerts', 'History').some(
        (r) => r.transition === 'fired' && r.rule === 'failover' && r.cluster === CLUSTER,
      ) &&
      rows('redscope-alerts', 'Delivery outcomes').some(
        (r) => r.receiver === 'chat' && r.outcome === 'ok' && Number(r.messages) >= 1,
      ),
  },
  {
    uid: 'redscope-command-latency',
    what: 'DEBUG among the slowest commands at ≥ 200,000 µs per call, its per-call p99 within a bucket of it (131–524 ms)',
    panels: ['Slowest commands (per-call p99 over the range)'],
    ok: () =>
      rows('redscope-command-latency', 'Slowest commands (per-call p99 over the range)').some(
        (r) =>
          r.command === 'debug' &&
          Number(r.usec_per_call) >= 200_000 &&
          Number(r.p99_us) > 131_072 &&
          Number(r.p99_us) <= 524_288,
      ),
  },
  {
    uid: 'redscope-instance-detail',
    what: 'the replica as a replica with its link up and version, its MOVED replies, and the hits and misses it served',
    panels: ['Status (latest sample)', 'Error replies /s by type', 'Hit ratio'],
    ok: () =>
      rows('redscope-instance-detail', 'Status (latest sample)').some(
        (r) => r.current_role === 'replica' && r.master_link === 'up' && r.redis_version === seeded.redisVersion,
      ) &&
      rows('redscope-instance-detail', 'Error replies /s by type').some((r) => r.error === 'MOVED') &&
      rows('redscope-instance-detail', 'Hit ratio').some((r) => Number(r.hit_ratio) > 0 && Number(r.hit_ratio) < 1),
  },
];

/** The pattern of the keys without TTL, and its bytes now, as "Key patterns by bytes" shows them. */
const sessionRow = () =>
  rows('redscope-keys', 'Key patterns by bytes').find((r) => String(r.example).startsWith(`${prefix}:session:`));
const sessionPattern = () => sessionRow()?.pattern;
const sessionBytes = () => Number(sessionRow()?.bytes_total);

/** The master of a seeded key's shard now: the promoted replica if its master was the frozen one. */
const shardMaster = (owner: string) => (owner === seeded.frozen ? seeded.promoted : owner);

/** DateTime columns arrive as text in the server's time zone: its offset from UTC, in seconds. */
let serverUtcOffsetS = 0;
const unixSeconds = (dateTime: unknown) =>
  Date.parse(`${String(dateTime).replace(' ', 'T')}Z`) / 1000 - serverUtcOffsetS;

/** A failover annotation naming the promoted replica, timed between the SIGSTOP and the promotion we saw. */
function failoverAnnotated(uid: string): boolean {
  const from = Math.floor(seeded.stoppedAtMs / 1000);
  const to = Math.ceil(seeded.promotionSeenAtMs / 1000) + 2;
  return rows(uid, 'annotation: Failovers').some((r) => {
    const at = unixSeconds(r.time);
    return String(r.text).startsWith(`${seeded.promoted} promoted`) && at >= from && at <= to;
  });
}

describe('dashboards on conditions seeded through the real pipeline', () => {
  beforeAll(async () => {
    const ch = createClient({ url: config.clickhouse.url });
    const [now] = (await (await ch.query({ query: 'SELECT now() AS now', format: 'JSONEachRow' })).json()) as Array<{
      now: string;
    }>;
    await ch.close();
    serverUtcOffsetS = Math.round((Date.parse(`${now!.now.replace(' ', 'T')}Z`) - Date.now()) / 900_000) * 900;
    // Everything seeded reaches ClickHouse within seconds; a keyspace scan runs every 5 s.
    await eventually(
      async () => {
        runs = await runAll();
        return SEEDED_VALUES.filter((c) => !c.ok()).map((c) => `${c.uid}: ${c.what}`);
      },
      (missing) => missing.length === 0,
      { timeoutMs: 150_000, intervalMs: 2000, what: 'every seeded value on its dashboard' },
    ).catch(() => undefined); // the tests below say which value is missing
  }, 180_000);

  it('every panel, annotation and variable query runs and has the shape its panel needs', () => {
    const all = [...runs.values()].flat();
    expect(all.length).toBeGreaterThan(60);
    expect(all.filter((r) => r.error).map((r) => `${r.where}: ${r.error}`)).toEqual([]);
    expect(all.flatMap((r) => r.problems.map((p) => `${r.where}: ${p}`))).toEqual([]);
  });

  it('every query returns rows, but those with nothing seeded to show (listed with the reason)', () => {
    const empty = [...runs.values()].flat().filter((r) => r.result && r.result.data.length === 0);
    expect(empty.map((r) => r.where).filter((w) => !mayBeEmpty(w))).toEqual([]);
  });

  it('the variables list the seeded cluster and its six instances', () => {
    const fleet = runs.get('redscope-slowlog')!;
    expect(rowsOf(runOf(fleet, '$cluster')).map((r) => r.cluster)).toContain(CLUSTER);
    expect(rowsOf(runOf(fleet, '$instance')).map((r) => r.instance)).toEqual(seeded.instances);
  });

  it.each(SEEDED_VALUES.map((c) => [c.uid, c] as const))('%s shows what was seeded', (uid, c) => {
    const shown = c.panels.map((p) => `${p}: ${JSON.stringify(rows(uid, p).slice(0, 20))}`);
    const context = `seeded: ${JSON.stringify(seeded)}, chat messages: ${chat.received.length}`;
    expect(c.ok(), `${c.what}\n${context}\n${shown.join('\n')}`).toBe(true);
  });
});
