// A small synthetic fleet for the dashboard query tests: 2 clusters × (2 masters + 1
// replica), 10 minutes of every sample kind ending now, turned into rows by the stream
// processor's own handlers (validated against the contracts on the way), plus alert rows.
import type { InfoSampleV1, InstanceRef } from '../../contracts/index.ts';
import { TOPICS } from '../../contracts/index.ts';
import { handlerFor } from '../../stream/handlers.ts';
import { SAMPLE_FIXTURES, hotkeysFixture, keyspaceFixture } from './sample-fixtures.ts';
import { syntheticInfo } from './synthetic.ts';

export const CLUSTERS = ['alpha', 'beta'];
export const REPLICA = '10.0.1.3:6379'; // replica of 10.0.1.1:6379 in alpha
export const ALL_INSTANCES = CLUSTERS.flatMap((_, c) => [1, 2, 3].map((n) => `10.0.${c + 1}.${n}:6379`));

function ref(cluster: string, node: number): InstanceRef {
  const net = `10.0.${CLUSTERS.indexOf(cluster) + 1}`;
  return { id: `${net}.${node}:6379`, host: `${net}.${node}`, port: 6379, cluster, nodeId: String(node).repeat(40) };
}

function infoOf(nowS: number, cluster: string, node: number, k: number): InfoSampleV1 {
  const base = syntheticInfo(cluster, k);
  const net = `10.0.${CLUSTERS.indexOf(cluster) + 1}`;
  const replica = node === 3;
  const offset = k * 1000;
  return {
    ...base,
    ts: (nowS - 600 + k * 5) * 1000,
    instance: { id: `${net}.${node}:6379`, host: `${net}.${node}`, port: 6379, cluster },
    role: replica ? 'replica' : 'master',
    fields: {
      ...base.fields,
      maxmemory: 2 ** 30,
      used_memory_rss: 1_300_000 + k,
      mem_fragmentation_ratio: 1.3,
      blocked_clients: k % 2,
      instantaneous_ops_per_sec: 100 + k,
      evicted_keys: 2 * k,
      expired_keys: 3 * k,
      rejected_connections: k,
      keyspace_hits: 90 * k,
      keyspace_misses: 10 * k,
      uptime_in_seconds: 1000 + 5 * k,
      aof_enabled: 0,
      rdb_changes_since_last_save: k,
      rdb_bgsave_in_progress: 0,
      aof_rewrite_in_progress: 0,
      master_repl_offset: offset,
      ...(replica ? { master_port: 6379, slave_repl_offset: offset - 700 } : {}),
    },
    text: {
      ...base.text,
      role: replica ? 'slave' : 'master',
      rdb_last_bgsave_status: 'ok',
      aof_last_write_status: 'ok',
      ...(replica ? { master_host: `${net}.1`, master_link_status: 'up' } : {}),
    },
    errors: [
      { error: 'MOVED', count: k, countDelta: 1 },
      { error: 'ASK', count: k, countDelta: k % 2 },
    ],
  };
}

/** Shifts every time in a fixture: `ts`/`pongRecvMs` (ms) and `loggedAtS`/`atS` (s). */
function retime<T>(value: T, shiftMs: number): T {
  const walk = (v: unknown, key = ''): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    if (typeof v === 'number' && (key === 'ts' || key === 'pongRecvMs')) return v + shiftMs;
    if (typeof v === 'number' && (key === 'loggedAtS' || key === 'atS')) return v + Math.round(shiftMs / 1000);
    return v;
  };
  return walk(value) as T;
}

/** Minute 5 of each instance: a node marked failed, a slot migrating, a 250 ms command. */
function incident(topic: string, m: Record<string, unknown>): Record<string, unknown> {
  if (topic === TOPICS.topology) {
    const other = '2'.repeat(40);
    return {
      ...m,
      changes: [
        ...(m.changes as unknown[]),
        { kind: 'failing', nodeId: other, addr: '10.0.9.2:6379', from: 'pfail', to: 'fail' },
        { kind: 'migrating', nodeId: other, addr: '10.0.9.2:6379', from: '', to: '5' },
      ],
    };
  }
  if (topic === TOPICS.slowlog) {
    const [entry] = m.entries as Array<Record<string, unknown>>;
    return { ...m, entries: [{ ...entry, durationUs: 250_000, command: 'debug', args: ['SLEEP', '?'] }] };
  }
  return m;
}

export type Rows = Map<string, Record<string, unknown>[]>;

/** Rows by table for the fleet, every message validated by its topic's contract first. */
export function fleetRows(nowS: number): Rows {
  const out: Rows = new Map();
  let offset = 0;
  const add = (topic: string, message: unknown) => {
    const handler = handlerFor(topic)!;
    const valid = handler.validate(message);
    if (!valid.ok) throw new Error(`${topic} fixture invalid: ${valid.reason}`);
    for (const [table, rows] of handler.toRows(message, { topic, partition: 0, offset: offset++ }))
      out.set(table, [...(out.get(table) ?? []), ...rows]);
  };
  const startMs = (nowS - 600) * 1000;
  for (const cluster of CLUSTERS) {
    for (const node of [1, 2, 3]) {
      const instance = ref(cluster, node);
      for (let k = 0; k < 120; k++) add(TOPICS.info, infoOf(nowS, cluster, node, k));
      const fixtures = [
        ...SAMPLE_FIXTURES,
        { topic: TOPICS.keyspace, build: keyspaceFixture },
        { topic: TOPICS.hotkeys, build: hotkeysFixture },
      ];
      for (const { topic, build } of fixtures) {
        for (let i = 0; i < 10; i++) {
          // one message a minute; the fixture's own spacing is undone so all fall in the window
          const m = build(cluster, i) as unknown as { ts: number; instance: InstanceRef };
          const shifted = {
            ...retime(m, startMs + i * 60_000 - m.ts),
            instance: { ...instance, nodeId: m.instance.nodeId },
          };
          add(topic, i === 5 ? incident(topic, shifted) : shifted);
        }
      }
    }
  }
  // alpha's replica went down two minutes ago and is still down
  const down = ref('alpha', 3);
  for (const agoS of [120, 90, 60, 30, 5])
    add(TOPICS.status, {
      v: 1,
      kind: 'instance-status',
      ts: (nowS - agoS) * 1000,
      instance: down,
      collector: 'fixture',
      reachable: false,
      error: 'connect ECONNREFUSED',
      since: (nowS - 120) * 1000,
    });
  for (const [table, rows] of alertRows(nowS)) out.set(table, rows);
  return out;
}

function alertRows(nowS: number): Rows {
  const firingSince = (nowS - 300) * 1000;
  const event = JSON.stringify({ summary: 'failover in alpha: 10.0.1.3:6379 promoted' });
  return new Map<string, Record<string, unknown>[]>([
    [
      'alert_state',
      [
        {
          fingerprint: 'f1',
          kafka_partition: 0,
          version: 1,
          updated_at: nowS - 300,
          rule: 'failover',
          cluster: 'alpha',
          instance: REPLICA,
          severity: 'critical',
          status: 'firing',
          firing_since_ms: firingSince,
          resolved_at_ms: 0,
          last_event_ts_ms: firingSince,
          changed_at_ms: firingSince,
          notified_status: 'firing',
          last_notified_ms: firingSince,
          flaps: 0,
          notified_flapping: 0,
          event,
        },
      ],
    ],
    [
      'alerts',
      ['fired', 'notified'].map((transition) => ({
        ts: nowS - 300,
        ts_ms: firingSince,
        fingerprint: 'f1',
        rule: 'failover',
        cluster: 'alpha',
        instance: REPLICA,
        severity: 'critical',
        transition,
        status: 'firing',
        summary: 'failover in alpha',
        details: '',
        hints: [],
        label_names: [],
        label_values: [],
        receiver: transition === 'notified' ? 'ops' : '',
        notification_id: '',
      })),
    ],
    [
      'alert_deliveries',
      [
        {
          ts: nowS - 299,
          ts_ms: firingSince + 1000,
          id: 'n1',
          receiver: 'ops',
          receiver_type: 'slack',
          cluster: 'alpha',
          rule: 'failover',
          fingerprints: ['f1'],
          outcome: 'ok',
          attempts: 1,
          http_status: 200,
          reason: '',
          endpoint: 'https://hooks.example/…',
        },
      ],
    ],
  ]);
}
