import { describe, expect, it } from 'vitest';
import { defaultDetectorsConfig } from '../../common/config-detectors.ts';
import {
  type TopologyChange,
  type TopologyNode,
  type TopologySampleV2,
  topologyV1ToV2,
} from '../../contracts/index.ts';
import { clusterHealthDetector, type ClusterHealthState } from './cluster-health.ts';
import { failoverDetector, type FailoverState } from './failover.ts';

const settings = defaultDetectorsConfig();
const node = (
  id: string,
  port: number,
  role: 'master' | 'replica',
  extra: Partial<TopologyNode> = {},
): TopologyNode => ({
  id,
  host: '10.0.0.1',
  port,
  busPort: port + 10000,
  role,
  flags: [role === 'replica' ? 'slave' : 'master'],
  failing: null,
  configEpoch: 1,
  linkState: 'connected',
  pingSentMs: 0,
  pongRecvMs: 0,
  slots: role === 'master' ? [[0, 5460]] : [],
  migrating: [],
  importing: [],
  ...extra,
});

function sample(
  observer: string,
  ts: number,
  nodes: TopologyNode[],
  changes: TopologyChange[],
  clusterState = 'ok',
): TopologySampleV2 {
  return topologyV1ToV2({
    v: 1,
    kind: 'topology',
    ts,
    collector: 'c',
    durationUs: 1,
    myId: observer,
    clusterState,
    instance: {
      id: `10.0.0.1:${nodes.find((n) => n.id === observer)?.port ?? 1}`,
      host: '10.0.0.1',
      port: 1,
      cluster: 'orders',
    },
    slotsAssigned: 16384,
    slotsOk: clusterState === 'ok' ? 16384 : 10923,
    slotsPfail: 0,
    slotsFail: 0,
    knownNodes: nodes.length,
    size: 3,
    currentEpoch: 7,
    myEpoch: 1,
    nodes,
    viewHash: '0123456789abcdef',
    viewChanged: changes.length > 0,
    keyframe: false,
    changes,
  });
}

const A = 'a'.repeat(40); // old master, port 7000
const B = 'b'.repeat(40); // its replica, port 7003
const C = 'c'.repeat(40); // an observer

const promotion: TopologyChange[] = [
  { kind: 'role', nodeId: B, addr: '10.0.0.1:7003', from: 'replica', to: 'master' },
  { kind: 'slots', nodeId: B, addr: '10.0.0.1:7003', from: A, to: B, slotStart: 0, slotEnd: 5460 },
];
const afterPromotion = [
  node(A, 7000, 'master', { failing: 'fail', slots: [], linkState: 'disconnected' }),
  node(B, 7003, 'master', { configEpoch: 7 }),
  node(C, 7001, 'master', { slots: [[5461, 10922]] }),
];
const rejoined = [
  node(A, 7000, 'replica', { masterId: B }),
  node(B, 7003, 'master', { configEpoch: 7 }),
  node(C, 7001, 'master', { slots: [[5461, 10922]] }),
];

function feed(samples: TopologySampleV2[]) {
  let state: FailoverState | undefined;
  const events = [];
  for (const m of samples) {
    const r = failoverDetector.observe(m, state, { now: m.ts, settings });
    state = r.state;
    events.push(...r.events);
  }
  return events;
}

describe('failover detector', () => {
  it('a promoted replica fires one failover alert naming the old master, the new master and the slots', () => {
    const events = feed([sample(C, 1000, afterPromotion, promotion)]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      rule: 'failover',
      status: 'firing',
      severity: 'critical',
      instance: '10.0.0.1:7000',
    });
    expect(events[0]!.labels).toMatchObject({
      old_master: '10.0.0.1:7000',
      new_master: '10.0.0.1:7003',
      slots: '0-5460',
    });
    expect(events[0]!.summary).toBe('Failover in orders: master 10.0.0.1:7000 failed, replica 10.0.0.1:7003 promoted');
  });

  it('the same promotion reported by every observer fires once', () => {
    const events = feed([
      sample(C, 1000, afterPromotion, promotion),
      sample(B, 1100, afterPromotion, promotion),
      sample(C, 2000, afterPromotion, []),
    ]);
    expect(events.map((e) => e.status)).toEqual(['firing']);
  });

  it('resolves when the old master is back as a replica, with the same fingerprint', () => {
    const events = feed([
      sample(C, 1000, afterPromotion, promotion),
      sample(C, 9000, rejoined, [{ kind: 'failing', nodeId: A, addr: '10.0.0.1:7000', from: 'fail', to: 'none' }]),
    ]);
    expect(events.map((e) => e.status)).toEqual(['firing', 'resolved']);
    expect(events[1]!.fingerprint).toBe(events[0]!.fingerprint);
    expect(events[1]!.summary).toMatch(/10\.0\.0\.1:7000 is back in orders \(as replica of 10\.0\.0\.1:7003\)/);
  });

  it('an observer that has not yet seen the old master fail does not resolve the failover, and late reports do not re-fire it', () => {
    const lagging = [
      node(A, 7000, 'master', { slots: [] }),
      node(B, 7003, 'master', { configEpoch: 7 }),
      node(C, 7001, 'master', { slots: [[5461, 10922]] }),
    ];
    const events = feed([
      sample(C, 1000, afterPromotion, promotion),
      sample(B, 1100, lagging, []), // still sees A as a healthy master
      sample(C, 9000, rejoined, []),
      sample(B, 9500, rejoined, promotion), // a lagging observer reporting the promotion late
    ]);
    expect(events.map((e) => e.status)).toEqual(['firing', 'resolved']);
  });

  it('a replica that was never a master promoted by CLUSTER FAILOVER still names the old master', () => {
    const changes: TopologyChange[] = [
      { kind: 'role', nodeId: B, addr: '10.0.0.1:7003', from: 'replica', to: 'master' },
      { kind: 'master', nodeId: B, addr: '10.0.0.1:7003', from: A, to: '' },
    ];
    const events = feed([sample(C, 1000, rejoined, changes)]);
    expect(events[0]!.labels.old_master).toBe('10.0.0.1:7000');
  });
});

describe('cluster health detector', () => {
  function run(samples: TopologySampleV2[]) {
    let state: ClusterHealthState | undefined;
    const events = [];
    for (const m of samples) {
      const r = clusterHealthDetector.observe(m, state, { now: m.ts, settings });
      state = r.state;
      events.push(...r.events);
    }
    return events;
  }

  it('cluster_state fail fires at once and resolves after 5 s of ok', () => {
    const events = run([
      sample(C, 0, afterPromotion, [], 'fail'),
      sample(C, 1000, afterPromotion, [], 'ok'),
      sample(C, 7000, afterPromotion, [], 'ok'),
    ]);
    expect(events.map((e) => `${e.rule}:${e.status}`)).toEqual(['cluster-state:firing', 'cluster-state:resolved']);
    expect(events[0]!.summary).toMatch(/5461 slots not served/);
  });

  it('a node marked failing three times in ten minutes is flapping (reported by many observers, counted once each time)', () => {
    const fail = (t: number, obs: string) =>
      sample(obs, t, afterPromotion, [
        { kind: 'failing', nodeId: A, addr: '10.0.0.1:7000', from: 'none', to: 'pfail' },
      ]);
    const events = run([fail(0, C), fail(100, B), fail(60_000, C), fail(60_200, B), fail(120_000, C)]);
    expect(events.filter((e) => e.rule === 'node-flapping').map((e) => e.status)).toEqual(['firing']);
  });
});
