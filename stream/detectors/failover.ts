// Failover: a replica promoted to master. Fires on the first topology sample (from any
// observer of the cluster) whose changes show the promotion, naming the old and new
// master and the slots that moved; resolves when an observer sees the old master back
// without a fail flag (it rejoins as a replica) or removed. State is per cluster, so the
// same failover seen by 250 observers fires once (several processors may each emit it
// once; the alert manager deduplicates by fingerprint).
//
// A failover is an event (lifecycle `event`): each promotion is its own alert, identified
// by old master, new master and the new master's config epoch — a failback, or the same
// pair failing over again a minute later, is a new alert, while a lagging observer
// reporting the same promotion late is not.
//
// The question ops ask first is why. A master busy longer than cluster-node-timeout is
// failed over although nothing is broken (KEYS, FLUSHALL, SAVE, a big DEL, a long Lua
// script, a fork). The detector also watches the cluster's slowlog, latency, INFO and
// config-audit samples (failover-evidence.ts) and names a cause only when it is one
// (failover-cause.ts). A blocked node's slowlog can be read only once it answers again,
// seconds after the promotion: the cause then goes out as a follow-up event of the same
// alert (the `cause` label), and the alert manager sends it tied to the failover.
import {
  CAUSE_LABEL,
  TOPICS,
  type AlertEventV1,
  type TopologyNode,
  type TopologySampleV2,
} from '../../contracts/index.ts';
import type { Detector, DetectorContext } from './detector.ts';
import { alertEvent } from './events.ts';
import { evidenceHints, findCause, slowlogReadAfterStall, type Stall } from './failover-cause.ts';
import {
  emptyEvidence,
  GAP_MS,
  observeEvidence,
  stallOf,
  type ClusterEvidence,
  type EvidenceSample,
} from './failover-evidence.ts';

export interface Failover {
  oldId: string;
  oldAddr: string;
  newId: string;
  newAddr: string;
  slots: string;
  epoch: number;
  firedAt: number;
  /** Who saw it first, and the cluster state then (for the message). */
  seenBy: string;
  clusterState: string;
  resolvedAt: number | null;
  resolvedSummary: string;
  /** When the old master stopped answering (and answered again); null when it never did (a manual failover). */
  stall: Stall | null;
  cause: string | null;
  /** The search for a cause is over: found, ruled out (its slowlog read after the stall), or given up. */
  searched: boolean;
  /** Detector time of its latest event (absent in state stored before it was kept). */
  lastEventTs?: number;
}

export interface FailoverState {
  failovers: Failover[];
  evidence: ClusterEvidence;
}

/** A resolved failover is remembered this long: a lagging observer reporting it late must not re-fire it. */
const RECENT_MS = 60_000;

const slotText = (a?: number, b?: number) => (a === undefined ? '' : a === b ? String(a) : `${a}-${b}`);

function labels(f: Failover): Record<string, string> {
  return {
    old_master: f.oldAddr,
    new_master: f.newAddr,
    old_master_id: f.oldId,
    new_master_id: f.newId,
    slots: f.slots,
    config_epoch: String(f.epoch),
    ...(f.cause ? { [CAUSE_LABEL]: f.cause.slice(0, 500) } : {}),
  };
}

function hintsOf(f: Failover, ev: ClusterEvidence, cluster: string, nowMs: number, minShare: number): string[] {
  if (f.cause) return [`cause: ${f.cause}`];
  if (!f.stall)
    return [
      `${f.oldAddr} did not stop answering before the promotion: a manual failover (CLUSTER FAILOVER) or a network partition between the nodes.`,
    ];
  return evidenceHints({
    addr: f.oldAddr,
    node: ev.nodes[f.oldAddr],
    stall: f.stall,
    promotedAtMs: f.firedAt,
    nowMs,
    minShare,
    cluster,
    searching: !f.searched,
  });
}

/**
 * The time an event about this failover carries: the detector time, but never before its
 * previous event. Evidence arrives out of order — slowlog samples are keyed by instance,
 * topology by cluster, on other topics — and the alert manager drops an event older than
 * the last one it applied as stale: a cause found in a slowlog sample read a few ms before
 * the topology sample that resolved the failover, but processed after it, would never be sent.
 */
function eventTs(f: Failover, nowMs: number): number {
  // Strictly after the previous one: an earlier event delivered again (the same time, less
  // content) is then stale too, instead of replacing the newer one in the alert's state.
  return Math.max(nowMs, f.firedAt, f.resolvedAt ?? 0, f.lastEventTs === undefined ? 0 : f.lastEventTs + 1);
}

function failoverEvent(
  cluster: string,
  f: Failover,
  status: 'firing' | 'resolved',
  ev: ClusterEvidence,
  ctx: DetectorContext,
): AlertEventV1 {
  const minShare = ctx.settings.failover.causeMinShare;
  const base = {
    rule: 'failover' as const,
    severity: 'critical' as const,
    cluster,
    instance: f.oldAddr,
    subject: [f.oldId, f.newId, String(f.epoch)],
    ts: eventTs(f, ctx.now),
    labels: labels(f),
    hints: hintsOf(f, ev, cluster, ctx.now, minShare),
    lifecycle: 'event' as const,
  };
  if (status === 'firing')
    return alertEvent({
      ...base,
      status,
      summary: `Failover in ${cluster}: master ${f.oldAddr} failed, replica ${f.newAddr} promoted`,
      details: [
        `old master: ${f.oldAddr} (${f.oldId.slice(0, 12)})`,
        `new master: ${f.newAddr} (${f.newId.slice(0, 12)}), config epoch ${f.epoch}`,
        `slots moved: ${f.slots || 'none reported'}`,
        `cluster_state: ${f.clusterState}, seen by ${f.seenBy}`,
      ].join('\n'),
    });
  return alertEvent({
    ...base,
    status,
    summary: f.resolvedSummary,
    details: `failover at ${new Date(f.firedAt).toISOString()}, over after ${Math.round(((f.resolvedAt ?? ctx.now) - f.firedAt) / 1000)} s`,
  });
}

/** Failovers stored by an earlier version ({ open, recent }) carry on as open ones without a cause search. */
function upgrade(state: FailoverState | { open?: unknown[] } | undefined): FailoverState {
  if (state && 'failovers' in state) return state;
  const open = ((state as { open?: Array<Omit<Failover, 'resolvedAt'>> } | undefined)?.open ?? []).map(
    (f): Failover => ({
      ...f,
      seenBy: f.seenBy ?? '',
      clusterState: f.clusterState ?? '',
      resolvedAt: null,
      resolvedSummary: '',
      stall: null,
      cause: null,
      searched: true,
    }),
  );
  return { failovers: open, evidence: emptyEvidence() };
}

function promotions(m: TopologySampleV2, byId: Map<string, TopologyNode>, ctx: DetectorContext, known: Failover[]) {
  const found: Failover[] = [];
  for (const c of m.changes) {
    if (c.kind !== 'role' || c.to !== 'master' || c.from === 'master') continue;
    const moved = m.changes.filter((s) => s.kind === 'slots' && s.to === c.nodeId && s.from !== '');
    const oldId = moved[0]?.from ?? m.changes.find((s) => s.kind === 'master' && s.nodeId === c.nodeId)?.from ?? '';
    const epoch = byId.get(c.nodeId)?.configEpoch ?? 0;
    // Another observer's report of the same promotion (same epoch), now or just after it was over.
    if ([...known, ...found].some((f) => f.newId === c.nodeId && f.oldId === oldId && f.epoch === epoch)) continue;
    const old = byId.get(oldId);
    found.push({
      oldId,
      oldAddr: old ? `${old.host}:${old.port}` : oldId.slice(0, 12) || 'unknown',
      newId: c.nodeId,
      newAddr: c.addr,
      slots: moved.map((s) => slotText(s.slotStart, s.slotEnd)).join(', '),
      epoch,
      firedAt: ctx.now,
      seenBy: m.instance.id,
      clusterState: m.clusterState,
      resolvedAt: null,
      resolvedSummary: '',
      stall: null,
      cause: null,
      searched: false,
    });
  }
  return found;
}

/** Remembers when the failover's latest event was (see eventTs); `f` is the detector's own fresh copy. */
function sent(f: Failover, event: AlertEventV1): AlertEventV1 {
  f.lastEventTs = event.ts;
  return event;
}

export const failoverDetector: Detector<EvidenceSample, FailoverState> = {
  name: 'failover',
  topics: [TOPICS.topology, TOPICS.slowlog, TOPICS.info, TOPICS.latency, TOPICS.configAudit],
  enabled: () => true,
  subject: (m) => m.instance.cluster,
  observe(m, prev, ctx) {
    const state = upgrade(prev);
    const evidence = observeEvidence(state.evidence, m);
    const cluster = m.instance.cluster;
    const minShare = ctx.settings.failover.causeMinShare;
    let failovers = state.failovers;
    const events: AlertEventV1[] = [];

    if (m.kind === 'topology') {
      const byId = new Map((m.nodes ?? []).map((n) => [n.id, n]));
      for (const f of promotions(m, byId, ctx, failovers)) {
        f.stall = stallOf(evidence, f.oldAddr, f.oldId, ctx.now);
        f.searched = f.stall === null;
        if (f.stall)
          f.cause = findCause({
            addr: f.oldAddr,
            node: evidence.nodes[f.oldAddr],
            stall: f.stall,
            promotedAtMs: f.firedAt,
            nowMs: ctx.now,
            minShare,
          });
        if (f.cause) f.searched = true;
        failovers = [...failovers, f];
        events.push(sent(f, failoverEvent(cluster, f, 'firing', evidence, ctx)));
      }
      // Resolve when this view shows the failover done and healed: the new master serving
      // as master, and the old one back as a healthy replica (or removed). Observers lag
      // each other by a sample or two; one that has not yet noticed the old master failing
      // still shows it as a healthy master, and that must not count as "back".
      failovers = failovers.map((f) => {
        if (f.resolvedAt !== null) return f;
        const old = byId.get(f.oldId);
        const newIsMaster = byId.get(f.newId)?.role === 'master';
        const back = newIsMaster && old?.role === 'replica' && old.failing === null && old.linkState === 'connected';
        const removed = newIsMaster && old === undefined && (m.nodes?.length ?? 0) > 0 && f.oldId !== '';
        if (!back && !removed) return f;
        const resolved: Failover = {
          ...f,
          resolvedAt: ctx.now,
          resolvedSummary: removed
            ? `${f.oldAddr} was removed from ${cluster}; ${f.newAddr} is master`
            : `${f.oldAddr} is back in ${cluster} (as ${old?.role ?? 'replica'} of ${f.newAddr})`,
        };
        events.push(sent(resolved, failoverEvent(cluster, resolved, 'resolved', evidence, ctx)));
        return resolved;
      });
    }

    // The cause search: a blocked node's slowlog arrives after it answers again.
    failovers = failovers.map((f) => {
      if (f.searched || !f.stall) return f;
      const node = evidence.nodes[f.oldAddr];
      let stall = f.stall;
      if (stall.answeredAgainMs === null && node && node.lastAnswerMs > stall.stoppedAtMs + GAP_MS) {
        const gap = node.gaps.find(([from, to]) => to > stall.stoppedAtMs && from <= stall.stoppedAtMs + GAP_MS);
        stall = { ...stall, answeredAgainMs: gap ? gap[1] : node.lastAnswerMs };
      }
      const ending = slowlogReadAfterStall(node, stall) || ctx.now - f.firedAt > ctx.settings.failover.causeSearchMs;
      const cause = findCause({
        addr: f.oldAddr,
        node,
        stall,
        promotedAtMs: f.firedAt,
        nowMs: ctx.now,
        minShare,
        final: ending,
      });
      const next: Failover = { ...f, stall, cause, searched: cause !== null || ending };
      if (cause)
        events.push(
          sent(next, failoverEvent(cluster, next, next.resolvedAt === null ? 'firing' : 'resolved', evidence, ctx)),
        );
      return next;
    });

    failovers = failovers.filter((f) => f.resolvedAt === null || !f.searched || ctx.now - f.resolvedAt < RECENT_MS);
    return { state: { failovers, evidence }, events };
  },
};
