// Valid sample messages with made-up values (one per contract), for schema and SQL tests.
import type {
  ClientsSampleV1,
  HotKeysV1,
  KeyspaceScanV1,
  ConfigAuditSampleV1,
  InstanceRef,
  LatencySampleV1,
  SlowlogSampleV1,
  TopologySampleV2,
} from '../../contracts/index.ts';
import { TOPICS, topologyV1ToV2 } from '../../contracts/index.ts';

const TS = 1_795_600_000_000;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const instance = (cluster: string, port = 7000): InstanceRef => ({
  id: `10.0.0.1:${port}`,
  host: '10.0.0.1',
  port,
  cluster,
  nodeId: port === 7000 ? A : B,
});

/** The node list only on the first view (viewChanged), as v2 collectors send it. */
export function topologyFixture(cluster: string, i: number): TopologySampleV2 {
  const v2 = topologyV1ToV2({
    v: 1,
    kind: 'topology',
    ts: TS + i * 1000,
    instance: instance(cluster),
    collector: 'fixture',
    durationUs: 900,
    myId: A,
    clusterState: 'ok',
    slotsAssigned: 16384,
    slotsOk: 16384,
    slotsPfail: 0,
    slotsFail: 0,
    knownNodes: 2,
    size: 1,
    currentEpoch: 4,
    myEpoch: 4,
    nodes: [
      {
        id: A,
        host: '10.0.0.1',
        port: 7000,
        busPort: 17000,
        role: 'master',
        flags: ['myself', 'master'],
        failing: null,
        configEpoch: 4,
        linkState: 'connected',
        pingSentMs: 0,
        pongRecvMs: TS,
        slots: [[0, 16383]],
        migrating: [{ slot: 5, to: B }],
        importing: [],
        health: 'online',
        replicationOffset: 1234,
      },
      {
        id: B,
        host: '10.0.0.2',
        port: 7001,
        busPort: 17001,
        role: 'replica',
        masterId: A,
        flags: ['slave'],
        failing: null,
        configEpoch: 4,
        linkState: 'connected',
        pingSentMs: 0,
        pongRecvMs: TS,
        slots: [],
        migrating: [],
        importing: [],
      },
    ],
    viewHash: '0123456789abcdef',
    viewChanged: i === 0,
    keyframe: false,
    changes:
      i === 0
        ? []
        : [
            { kind: 'role', nodeId: A, addr: '10.0.0.1:7000', from: 'replica', to: 'master' },
            { kind: 'slots', nodeId: A, addr: '10.0.0.1:7000', from: B, to: A, slotStart: 0, slotEnd: 16383 },
          ],
  });
  if (!v2.viewChanged && !v2.keyframe) delete v2.nodes;
  return v2;
}

export function slowlogFixture(cluster: string, i: number): SlowlogSampleV1 {
  return {
    v: 1,
    kind: 'slowlog',
    ts: TS + i * 1000,
    instance: instance(cluster),
    collector: 'fixture',
    runId: 'r'.repeat(40),
    reset: false,
    missed: i,
    entries: [
      {
        id: 10 + i,
        loggedAtS: TS / 1000 + i,
        durationUs: 52_000,
        command: 'keys',
        args: ['user:*'],
        argCount: 2,
        argsTruncated: false,
        clientAddr: '10.0.0.9:5000',
        clientName: 'orders',
      },
    ],
  };
}

export function latencyFixture(cluster: string, i: number): LatencySampleV1 {
  return {
    v: 1,
    kind: 'latency',
    ts: TS + i * 1000,
    instance: instance(cluster),
    collector: 'fixture',
    probe: {
      count: 10,
      failed: 0,
      minUs: 80,
      maxUs: 300,
      meanUs: 120,
      p50Us: 100,
      p90Us: 200,
      p99Us: 300,
      p999Us: 300,
      buckets: [
        { leUs: 96, count: 4 },
        { leUs: 128, count: 4 },
        { leUs: 384, count: 2 },
      ],
    },
    events: [{ event: 'command', atS: TS / 1000 + i, latencyMs: 150 }],
  };
}

export function clientsFixture(cluster: string, i: number): ClientsSampleV1 {
  return {
    v: 1,
    kind: 'clients',
    ts: TS + i * 1000,
    instance: instance(cluster),
    collector: 'fixture',
    total: 5,
    replicas: 1,
    masters: 0,
    pubsub: 0,
    blocked: 1,
    inMulti: 0,
    idleMaxS: 400,
    idleThresholdS: 300,
    idleOverThreshold: 1,
    omemTotalBytes: 20504,
    omemMaxBytes: 20504,
    omemMaxName: '',
    omemMaxAddr: '10.0.0.2:5000',
    qbufTotalBytes: 0,
    totMemTotalBytes: 100_000,
    namesDistinct: 2,
    hostsDistinct: 2,
    byName: [
      { key: 'orders', count: 4, idleMaxS: 400, omemBytes: 0 },
      { key: '', count: 1, idleMaxS: 0, omemBytes: 20504 },
    ],
    byHost: [{ key: '10.0.0.9', count: 4, idleMaxS: 400, omemBytes: 0 }],
  };
}

export function configAuditFixture(cluster: string, i: number): ConfigAuditSampleV1 {
  return {
    v: 1,
    kind: 'config-audit',
    ts: TS + i * 1000,
    instance: instance(cluster),
    collector: 'fixture',
    role: 'master',
    version: '7.0.15',
    rulesChecked: ['timeout-zero'],
    findings: [
      {
        rule: 'timeout-zero',
        severity: 'warning',
        setting: 'timeout',
        value: '0',
        recommendation: 'a value > 0',
        message: "timeout is 0: it's never closed",
      },
    ],
  };
}

const histogram = { none: 7, lt1m: 0, lt1h: 1, lt1d: 1, lt7d: 1, ge7d: 0 };

export function keyspaceFixture(cluster: string, i: number): KeyspaceScanV1 {
  return {
    v: 1,
    kind: 'keyspace',
    ts: TS + i * 21_600_000,
    instance: instance(cluster),
    scannedOn: { id: '10.0.0.2:7003', role: 'replica' },
    collector: 'fixture',
    patterns: [
      {
        pattern: 'user:*:cart',
        type: 'hash',
        keys: 10,
        bytes: 10_000 + i,
        elements: 1000,
        noTtl: 7,
        ttlHistogram: histogram,
        maxBytes: 2000,
        exampleKey: 'user:1:cart',
      },
      {
        pattern: '(other)',
        type: 'mixed',
        keys: 3,
        bytes: 30,
        elements: 3,
        noTtl: 3,
        ttlHistogram: { ...histogram, none: 3, lt1h: 0, lt1d: 0, lt7d: 0 },
        maxBytes: 10,
        exampleKey: 'x',
      },
    ],
    topKeysByBytes: [{ key: 'user:1:cart', pattern: 'user:*:cart', type: 'hash', bytes: 2000, length: 100, ttlMs: -1 }],
    topKeysByLength: [
      { key: 'user:1:cart', pattern: 'user:*:cart', type: 'hash', bytes: 2000, length: 100, ttlMs: 5000 },
    ],
    stats: {
      keysScanned: 13,
      dbsizeAtStart: 13,
      vanished: 0,
      durationMs: 12,
      pausedMs: 0,
      mode: 'lua',
      batches: 1,
      probeBaselineUs: 90,
      probeMaxUs: 120,
      keysPerSecond: 100_000,
      ttlRead: true,
    },
  };
}

export function hotkeysFixture(cluster: string, i: number): HotKeysV1 {
  return {
    v: 1,
    kind: 'hotkeys',
    ts: TS + i * 300_000,
    instance: instance(cluster),
    observedOn: '10.0.0.1:7000',
    collector: 'fixture',
    method: i % 2 ? 'monitor' : 'hotkeys',
    windowMs: 1000,
    keys: [
      { key: 'user:1', pattern: 'user:*', metric: 'cpu-us', score: 900 },
      { key: 'user:2', pattern: 'user:*', metric: 'cpu-us', score: 100 },
      { key: 'user:1', pattern: 'user:*', metric: 'net-bytes', score: 4000 },
    ],
    slots: [{ slot: 12426, keyCount: 45, cpuUs: 1200 }],
    ...(i % 2 ? { commandsSeen: 10, bytesSeen: 900, truncated: false } : {}),
  };
}

export const SAMPLE_FIXTURES = [
  { topic: TOPICS.topology, build: topologyFixture },
  { topic: TOPICS.slowlog, build: slowlogFixture },
  { topic: TOPICS.latency, build: latencyFixture },
  { topic: TOPICS.clients, build: clientsFixture },
  { topic: TOPICS.configAudit, build: configAuditFixture },
] as const;
