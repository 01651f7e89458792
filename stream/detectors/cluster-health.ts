// Cluster-wide health from topology samples: cluster_state not ok (slots not served),
// and a node flapping between failing and healthy (an event: announced at once). State per cluster; several observers
// report the same transitions, so transitions closer than DEDUP_MS count once.
import { TOPICS, type TopologySampleV2 } from '../../contracts/index.ts';
import { initialCondition, stepCondition, type ConditionState } from './condition.ts';
import type { Detector } from './detector.ts';
import { alertEvent } from './events.ts';

const DEDUP_MS = 5000;
const FLAP_WINDOW_MS = 10 * 60_000;
const FLAP_COUNT = 3;

export interface ClusterHealthState {
  stateBad: ConditionState;
  /** Per node id: times it was newly flagged failing (pfail/fail), within the window. */
  failingAt: Record<string, number[]>;
  flapping: Record<string, number>;
}

export const clusterHealthDetector: Detector<TopologySampleV2, ClusterHealthState> = {
  name: 'cluster-health',
  topics: [TOPICS.topology],
  enabled: () => true,
  subject: (m) => m.instance.cluster,
  observe(m, state, ctx) {
    const s: ClusterHealthState = state
      ? { ...state, failingAt: { ...state.failingAt }, flapping: { ...state.flapping } }
      : { stateBad: initialCondition(), failingAt: {}, flapping: {} };
    const events = [];
    const cluster = m.instance.cluster;

    const step = stepCondition(s.stateBad, m.clusterState !== 'ok', ctx.now, { forMs: 0, clearForMs: 5000 });
    s.stateBad = step.state;
    if (step.transition) {
      const unserved = 16384 - m.slotsOk;
      events.push(
        alertEvent({
          rule: 'cluster-state',
          status: step.transition === 'fire' ? 'firing' : 'resolved',
          severity: 'critical',
          cluster,
          subject: [],
          ts: ctx.now,
          summary:
            step.transition === 'fire'
              ? `Cluster ${cluster} is ${m.clusterState}: ${unserved} slots not served`
              : `Cluster ${cluster} is ok again`,
          details: `cluster_state ${m.clusterState}; slots assigned ${m.slotsAssigned}, ok ${m.slotsOk}, pfail ${m.slotsPfail}, fail ${m.slotsFail}; known nodes ${m.knownNodes}, seen by ${m.instance.id}`,
        }),
      );
    }

    for (const c of m.changes) {
      if (c.kind !== 'failing' || c.to === 'none') continue;
      const times = (s.failingAt[c.nodeId] ?? []).filter((t) => t >= ctx.now - FLAP_WINDOW_MS);
      if (times.length === 0 || ctx.now - times[times.length - 1]! > DEDUP_MS) times.push(ctx.now);
      s.failingAt[c.nodeId] = times;
      if (times.length >= FLAP_COUNT && s.flapping[c.nodeId] === undefined) {
        s.flapping[c.nodeId] = ctx.now;
        events.push(
          alertEvent({
            rule: 'node-flapping',
            lifecycle: 'event',
            status: 'firing',
            severity: 'warning',
            cluster,
            instance: c.addr,
            subject: [c.nodeId],
            ts: ctx.now,
            summary: `${c.addr} in ${cluster} keeps being marked failing (${times.length}× in 10 min)`,
            details: `node ${c.nodeId.slice(0, 12)} flagged ${c.to} ${times.length} times in 10 minutes. A node that stalls near cluster-node-timeout (blocking commands, forks, network) fails over needlessly.`,
          }),
        );
      }
    }
    for (const [id, since] of Object.entries(s.flapping)) {
      const recent = (s.failingAt[id] ?? []).filter((t) => t >= ctx.now - FLAP_WINDOW_MS);
      if (recent.length === 0 && ctx.now - since >= FLAP_WINDOW_MS) {
        delete s.flapping[id];
        delete s.failingAt[id];
        const node = m.nodes?.find((n) => n.id === id);
        events.push(
          alertEvent({
            rule: 'node-flapping',
            lifecycle: 'event',
            status: 'resolved',
            severity: 'warning',
            cluster,
            instance: node ? `${node.host}:${node.port}` : id.slice(0, 12),
            subject: [id],
            ts: ctx.now,
            summary: `${node ? `${node.host}:${node.port}` : id.slice(0, 12)} in ${cluster} stable for 10 min`,
            details: '',
          }),
        );
      }
    }
    return { state: s, events };
  },
};
