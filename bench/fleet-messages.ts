// Every sampler's messages for a fleet of clusters × nodes, one second at a time, as the
// collectors would send them with their default schedules: INFO, topology (v2: a summary
// each second, the 250-node list only at each observer's keyframe every 60 s, staggered)
// and latency every second; slowlog every 5 s; clients every 15 s; config audit and hot
// keys every 5 min; each instance's turn spread over the interval. INFO payloads are real
// (captured from the bench stack's Redis, fleet-samples.ts); the others are the contract
// fixtures of the tests with the instance and time of the fleet member.
import { TOPICS, sampleKey, type InstanceRef, type SampleTopic, type TopologyNode } from '../contracts/index.ts';
import type { InfoSampleV1, TopologySampleV2 } from '../contracts/index.ts';
import {
  clientsFixture,
  configAuditFixture,
  hotkeysFixture,
  latencyFixture,
  slowlogFixture,
} from '../test/support/sample-fixtures.ts';
import { fleetSample } from './fleet-samples.ts';

export interface FleetShape {
  clusters: number;
  nodesPerCluster: number;
  /** Keyframe interval of the topology sampler (its default). */
  keyframeEverySeconds: number;
}

export const FLEET_2000: FleetShape = { clusters: 8, nodesPerCluster: 250, keyframeEverySeconds: 60 };

export interface FleetMessage {
  topic: SampleTopic;
  key: string;
  value: string;
}

function ref(shape: FleetShape, i: number): InstanceRef {
  const c = Math.floor(i / shape.nodesPerCluster);
  const n = i % shape.nodesPerCluster;
  return {
    id: `10.${c}.${Math.floor(n / 250)}.${n % 250}:7000`,
    host: `10.${c}.${Math.floor(n / 250)}.${n % 250}`,
    port: 7000,
    cluster: `cluster-${c}`,
    nodeId: nodeId(c, n),
  };
}

const nodeId = (c: number, n: number) => `${c.toString(16).padStart(8, '0')}${n.toString(16).padStart(32, '0')}`;

/** A cluster's node list: half masters with an equal share of the slots, half their replicas. */
function clusterNodes(shape: FleetShape, c: number): TopologyNode[] {
  const masters = Math.ceil(shape.nodesPerCluster / 2);
  const per = Math.floor(16384 / masters);
  return Array.from({ length: shape.nodesPerCluster }, (_, n) => {
    const r = ref(shape, c * shape.nodesPerCluster + n);
    const master = n < masters;
    const first = n * per;
    const last = n === masters - 1 ? 16383 : first + per - 1;
    return {
      id: r.nodeId!,
      host: r.host,
      port: r.port,
      busPort: r.port + 10000,
      role: master ? ('master' as const) : ('replica' as const),
      ...(master ? {} : { masterId: nodeId(c, n - masters) }),
      flags: [master ? 'master' : 'slave'],
      failing: null,
      configEpoch: master ? n + 1 : n - masters + 1,
      linkState: 'connected' as const,
      pingSentMs: 0,
      pongRecvMs: 1_795_600_000_000,
      slots: master ? [[first, last] as [number, number]] : [],
      migrating: [],
      importing: [],
      health: 'online',
      replicationOffset: 123_456_789,
    };
  });
}

export class Fleet {
  readonly size: number;
  private readonly nodes: TopologyNode[][];

  constructor(
    private readonly templates: readonly InfoSampleV1[],
    readonly shape: FleetShape = FLEET_2000,
  ) {
    this.size = shape.clusters * shape.nodesPerCluster;
    this.nodes = Array.from({ length: shape.clusters }, (_, c) => clusterNodes(shape, c));
  }

  /** Everything the fleet's collectors send in second `tick`, stamped `ts`. */
  second(tick: number, ts: number): FleetMessage[] {
    const out: FleetMessage[] = [];
    const add = (topic: SampleTopic, value: { instance: InstanceRef; [field: string]: unknown }) =>
      out.push({ topic, key: sampleKey(topic, value), value: JSON.stringify(value) });
    const { nodesPerCluster, keyframeEverySeconds } = this.shape;
    for (let i = 0; i < this.size; i++) {
      const instance = ref(this.shape, i);
      const c = Math.floor(i / nodesPerCluster);
      const at = <T extends object>(m: T) => ({ ...m, ts, instance });
      add(TOPICS.info, { ...fleetSample(this.templates, i, tick, ts, nodesPerCluster), instance });
      add(
        TOPICS.topology,
        this.topology(c, i % nodesPerCluster, instance, ts, (tick + i) % keyframeEverySeconds === 0),
      );
      // Latency-monitor spikes are rare; the fixture's one is left out.
      add(TOPICS.latency, { ...at(latencyFixture(instance.cluster, tick)), events: [] });
      if ((tick + i) % 5 === 0) add(TOPICS.slowlog, at(slowlogFixture(instance.cluster, tick)));
      if ((tick + i) % 15 === 0) add(TOPICS.clients, at(clientsFixture(instance.cluster, tick)));
      if ((tick + i) % 300 === 0) {
        add(TOPICS.configAudit, at(configAuditFixture(instance.cluster, tick)));
        add(TOPICS.hotkeys, at(hotkeysFixture(instance.cluster, tick)));
      }
    }
    return out;
  }

  private topology(c: number, n: number, instance: InstanceRef, ts: number, keyframe: boolean): TopologySampleV2 {
    const nodes = this.nodes[c]!;
    const masters = Math.ceil(nodes.length / 2);
    const me = nodes[n]!;
    return {
      v: 2,
      kind: 'topology',
      ts,
      instance,
      collector: 'bench',
      durationUs: 2500,
      myId: me.id,
      clusterState: 'ok',
      slotsAssigned: 16384,
      slotsOk: 16384,
      slotsPfail: 0,
      slotsFail: 0,
      knownNodes: nodes.length,
      size: masters,
      currentEpoch: masters,
      myEpoch: me.configEpoch,
      role: me.role,
      masterId: me.masterId ?? '',
      masters,
      replicas: nodes.length - masters,
      nodesPfail: 0,
      nodesFail: 0,
      nodesDisconnected: 0,
      ...(keyframe ? { nodes } : {}),
      viewHash: `${c.toString(16).padStart(8, '0')}00000000`,
      viewChanged: false,
      keyframe,
      changes: [],
    };
  }
}
