// Valid sample messages with made-up values (one per contract), for schema and SQL tests.
import type {
  ClientsSampleV1,
  ConfigAuditSampleV1,
  InstanceRef,
  LatencySampleV1,
  SlowlogSampleV1,
  TopologySampleV1,
} from '../../contracts/index.ts';
import { TOPICS } from '../../contracts/index.ts';

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

export function topologyFixture(cluster: string, i: number): TopologySampleV1 {
  return {
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
  };
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

export const SAMPLE_FIXTURES = [
  { topic: TOPICS.topology, build: topologyFixture },
  { topic: TOPICS.slowlog, build: slowlogFixture },
  { topic: TOPICS.latency, build: latencyFixture },
  { topic: TOPICS.clients, build: clientsFixture },
  { topic: TOPICS.configAudit, build: configAuditFixture },
] as const;
