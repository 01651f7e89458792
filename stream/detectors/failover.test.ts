import { describe, expect, it } from 'vitest';
import { defaultDetectorsConfig } from '../../common/config-detectors.ts';
import {
  type AlertEventV1,
  type ConfigAuditSampleV1,
  type InfoSampleV1,
  type LatencySampleV1,
  type SlowlogSampleV1,
  type TopologyChange,
  type TopologyNode,
  type TopologySampleV2,
  topologyV1ToV2,
} from '../../contracts/index.ts';
import { applyEvent, type AlertState } from '../../alerts/lifecycle.ts';
import type { EvidenceSample } from './failover-evidence.ts';
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

describe('failover causes', () => {
  const ref = (port: number) => ({ id: `10.0.0.1:${port}`, host: '10.0.0.1', port, cluster: 'orders' });
  const info = (port: number, ts: number, fields: Record<string, number> = {}): InfoSampleV1 => ({
    v: 1,
    kind: 'info',
    ts,
    instance: ref(port),
    collector: 'c',
    durationUs: 100,
    role: 'master',
    fields,
    text: {},
    commands: [],
    errors: [],
    keyspace: [],
    replicas: [],
  });
  const slowlog = (
    port: number,
    ts: number,
    entries: Array<[loggedAtMs: number, durationMs: number, command: string, args: string[]]>,
  ): SlowlogSampleV1 => ({
    v: 1,
    kind: 'slowlog',
    ts,
    instance: ref(port),
    collector: 'c',
    runId: 'r',
    entries: entries.map(([at, ms, command, args], i) => ({
      id: i,
      loggedAtS: Math.floor(at / 1000),
      durationUs: ms * 1000,
      command,
      args,
      argCount: args.length + 1,
      argsTruncated: false,
      clientAddr: '10.0.0.9:5000',
      clientName: '',
    })),
    reset: false,
    missed: 0,
  });
  const audit = (port: number, ts: number, clusterNodeTimeoutMs: number): ConfigAuditSampleV1 => ({
    v: 1,
    kind: 'config-audit',
    ts,
    instance: ref(port),
    collector: 'c',
    role: 'master',
    version: '7.0.15',
    rulesChecked: [],
    findings: [],
    clusterNodeTimeoutMs,
  });
  /** Node A answered every second until `stoppedAt`, and again from `backAt` (null: not yet). */
  /** A latency sample of 127.0.0.1:7000 at `ts` carrying one LATENCY event (the probe is idle). */
  const latencyEvent = (ts: number, event: LatencySampleV1['events'][number]): LatencySampleV1 =>
    ({
      v: 1,
      kind: 'latency',
      ts,
      instance: ref(7000),
      collector: 'c',
      probe: {
        count: 10,
        failed: 0,
        minUs: 1,
        maxUs: 1,
        meanUs: 1,
        p50Us: 1,
        p90Us: 1,
        p99Us: 1,
        p999Us: 1,
        buckets: [],
      },
      events: [event],
    }) as LatencySampleV1;
  const answers = (from: number, stoppedAt: number, backAt: number | null, until: number) => {
    const out: EvidenceSample[] = [];
    for (let t = from; t <= stoppedAt; t += 1000) out.push(info(7000, t));
    if (backAt !== null) for (let t = backAt; t <= until; t += 1000) out.push(info(7000, t));
    return out;
  };
  /** What the alert manager makes of these events, in this order (alerts/lifecycle.ts). */
  const transitionsOf = (events: AlertEventV1[]) => {
    let alert: AlertState | undefined;
    return events.map((e, i) => {
      const applied = applyEvent(alert, e, 100_000 + i);
      alert = applied.state;
      return applied.transition;
    });
  };
  const promoted = (ts: number) => sample(C, ts, afterPromotion, promotion);
  const rejoinedAt = (ts: number) => sample(C, ts, rejoined, []);

  function run(samples: EvidenceSample[]) {
    return runAsArrived([...samples].sort((a, b) => a.ts - b.ts));
  }
  /** In the order given: the processor sees each topic (and partition) in its own order. */
  function runAsArrived(samples: EvidenceSample[]) {
    let state: FailoverState | undefined;
    const events: AlertEventV1[] = [];
    for (const m of samples) {
      const r = failoverDetector.observe(m, state, { now: m.ts, settings });
      state = r.state;
      events.push(...r.events);
    }
    return events;
  }

  it('DEBUG SLEEP beyond node-timeout: the cause, read from the slowlog once the old master answers again, is a follow-up of the same failover', () => {
    const events = run([
      audit(7000, 1000, 2000),
      ...answers(1000, 10_000, 18_200, 22_000),
      slowlog(7000, 9000, [[-50_000 + 10_000, 395, 'del', ['big:hash']]]), // a minute earlier: not the cause
      promoted(14_000),
      rejoinedAt(19_000),
      slowlog(7000, 20_000, [[18_000, 8000, 'debug', ['sleep', '8']]]),
    ]);
    expect(events.map((e) => [e.status, e.labels.cause ?? ''])).toEqual([
      ['firing', ''],
      ['resolved', ''],
      ['resolved', expect.stringMatching(/^DEBUG sleep 8 ran 8,000 ms on 10\.0\.0\.1:7000 \(slowlog\), started/)],
    ]);
    expect(new Set(events.map((e) => e.fingerprint)).size).toBe(1);
    expect(events[2]!.labels.cause).toMatch(/cluster-node-timeout is 2,000 ms/);
    // The firing message says what the evidence showed then, and names no command.
    expect(events[0]!.hints.join('\n')).toMatch(/stopped answering at 00:00:10\.0 UTC/);
    expect(events[0]!.hints.join('\n')).not.toMatch(/DEL/);
    expect(events.every((e) => e.lifecycle === 'event')).toBe(true);
  });

  it('a cause in a slowlog sample processed after the later topology sample that resolved the failover is still a follow-up the alert manager sends', () => {
    const events = runAsArrived([
      audit(7000, 1000, 2000),
      ...answers(1000, 10_000, null, 0),
      promoted(14_000),
      info(7000, 18_200), // answers again as DEBUG SLEEP ends
      rejoinedAt(18_900), // topology, keyed by cluster: here first…
      slowlog(7000, 18_800, [[18_000, 8000, 'debug', ['SLEEP', '?']]]), // …though the slowlog was read earlier
    ]);
    expect(events.map((e) => [e.status, e.labels.cause ?? ''])).toEqual([
      ['firing', ''],
      ['resolved', ''],
      ['resolved', expect.stringMatching(/^DEBUG SLEEP \? ran 8,000 ms on 10\.0\.0\.1:7000 \(slowlog\)/)],
    ]);
    // The alert manager drops an event older than the last one it applied: the cause must not be.
    expect(transitionsOf(events)).toEqual(['fired', 'resolved', 'follow-up']);
    // The resolution without the cause, delivered again, must not replace the one with it.
    expect(transitionsOf([...events, events[1]!])).toEqual(['fired', 'resolved', 'follow-up', 'stale']);
  });

  it('the resolution seen in a topology sample taken before the slowlog sample that named the cause, but processed after it, is still sent', () => {
    const events = runAsArrived([
      audit(7000, 1000, 2000),
      ...answers(1000, 10_000, null, 0),
      promoted(14_000),
      info(7000, 18_200),
      slowlog(7000, 18_800, [[18_000, 8000, 'debug', ['SLEEP', '?']]]), // the cause, while still firing
      rejoinedAt(18_700), // another observer's view, taken a little earlier
    ]);
    expect(events.map((e) => e.status)).toEqual(['firing', 'firing', 'resolved']);
    expect(transitionsOf(events)).toEqual(['fired', 'follow-up', 'resolved']);
  });

  it('a plain SIGSTOP names no command: the old master’s slowlog, read after it answered again, has none that fits', () => {
    const events = run([
      audit(7000, 1000, 2000),
      ...answers(1000, 10_000, 18_200, 22_000),
      slowlog(7000, 9000, [[9000, 395, 'del', ['big:hash']]]), // just before, but far too short
      promoted(14_000),
      slowlog(7000, 20_000, []),
      rejoinedAt(21_000),
    ]);
    expect(events.map((e) => e.status)).toEqual(['firing', 'resolved']);
    expect(events.every((e) => e.labels.cause === undefined)).toBe(true);
    expect(events[0]!.hints.join('\n')).toMatch(/DEL big:hash ran 395 ms .* too short to explain a failover/);
    expect(events[1]!.hints.join('\n')).toMatch(
      /no command or fork explains the stall: the process stopped answering everything/,
    );
  });

  it('a command that ended before the promotion was seen is named in the firing message itself', () => {
    const events = run([
      audit(7000, 1000, 2000),
      ...answers(1000, 10_000, 13_200, 16_000),
      slowlog(7000, 13_500, [[13_000, 3000, 'eval', ['?']]]), // a 3 s Lua script
      promoted(14_000),
    ]);
    expect(events).toHaveLength(1);
    expect(events[0]!.labels.cause).toMatch(/^EVAL \? ran 3,000 ms on 10\.0\.0\.1:7000 \(slowlog\)/);
    expect(events[0]!.hints[0]).toMatch(/^cause: EVAL/);
  });

  it('with a node timeout lowered to 200 ms, a 358 ms DEL of a big hash is a cause; at 2,000 ms it is not', () => {
    const scenario = (timeoutMs: number) =>
      run([
        audit(7000, 1000, timeoutMs),
        ...answers(1000, 10_000, 11_300, 14_000),
        slowlog(7000, 11_500, [[10_000, 358, 'del', ['bh:{x}']]]),
        // the cluster flags it failing (pfail after the node timeout without a PONG)
        sample(
          C,
          10_500,
          [node(A, 7000, 'master', { failing: 'pfail' }), ...afterPromotion.slice(1)],
          [{ kind: 'failing', nodeId: A, addr: '10.0.0.1:7000', from: 'none', to: 'pfail' }],
        ),
        promoted(11_800),
      ]);
    expect(scenario(200)[0]!.labels.cause).toMatch(/^DEL bh:\{x\} ran 358 ms/);
    expect(scenario(2000)[0]!.labels.cause).toBeUndefined();
  });

  it('a latency-monitor fork spike overlapping the stall is a cause when the slowlog names nothing', () => {
    const latency = latencyEvent(15_000, { event: 'fork', atS: 13, latencyMs: 3200 });
    // Named once the slowlog, read after the stall, has nothing better.
    const events = run([
      audit(7000, 1000, 2000),
      ...answers(1000, 10_000, 13_300, 16_000),
      promoted(14_000),
      latency,
      slowlog(7000, 16_500, []),
    ]);
    expect(events.map((e) => e.labels.cause ?? '')).toEqual([
      '',
      expect.stringMatching(/^latency monitor: fork ran 3,200 ms/),
    ]);
  });

  it('a latency spike of a command waits for the slowlog entry that names the command: one cause, not two', () => {
    const latency = latencyEvent(18_500, { event: 'command', atS: 18, latencyMs: 8000 });
    const events = run([
      audit(7000, 1000, 2000),
      ...answers(1000, 10_000, 18_200, 22_000),
      promoted(14_000),
      latency,
      slowlog(7000, 19_500, [[18_000, 8000, 'debug', ['SLEEP', '?']]]),
    ]);
    expect(events.map((e) => e.labels.cause ?? '')).toEqual([
      '',
      expect.stringMatching(/^DEBUG SLEEP \? ran 8,000 ms/),
    ]);
  });

  it('a manual failover (the old master never stopped answering) says so and names no cause', () => {
    const manual: TopologyChange[] = [
      { kind: 'role', nodeId: B, addr: '10.0.0.1:7003', from: 'replica', to: 'master' },
      { kind: 'master', nodeId: B, addr: '10.0.0.1:7003', from: A, to: '' },
    ];
    const events = run([...answers(1000, 20_000, null, 20_000), sample(C, 14_000, rejoined, manual)]);
    expect(events[0]!.labels.cause).toBeUndefined();
    expect(events[0]!.hints[0]).toMatch(/did not stop answering before the promotion: a manual failover/);
  });

  it('a failback and the same pair failing over again later are each their own alert (the config epoch tells them apart)', () => {
    const back: TopologyChange[] = [
      { kind: 'role', nodeId: A, addr: '10.0.0.1:7000', from: 'replica', to: 'master' },
      { kind: 'slots', nodeId: A, addr: '10.0.0.1:7000', from: B, to: A, slotStart: 0, slotEnd: 5460 },
    ];
    const failedBack = [
      node(A, 7000, 'master', { configEpoch: 8 }),
      node(B, 7003, 'replica', { masterId: A, configEpoch: 7 }),
      node(C, 7001, 'master', { slots: [[5461, 10922]] }),
    ];
    const again = [
      node(A, 7000, 'replica', { masterId: B, configEpoch: 8 }),
      node(B, 7003, 'master', { configEpoch: 9 }),
      node(C, 7001, 'master', { slots: [[5461, 10922]] }),
    ];
    const events = run([
      sample(C, 1000, afterPromotion, promotion),
      sample(C, 2000, rejoined, []),
      sample(C, 10_000, failedBack, back),
      sample(C, 20_000, again, promotion),
      sample(B, 20_500, again, promotion), // another observer, same promotion
    ]);
    const fired = events.filter((e) => e.status === 'firing');
    expect(fired.map((e) => e.labels.config_epoch)).toEqual(['7', '8', '9']);
    expect(new Set(fired.map((e) => e.fingerprint)).size).toBe(3);
    expect(fired[1]!.summary).toBe('Failover in orders: master 10.0.0.1:7003 failed, replica 10.0.0.1:7000 promoted');
  });
});
