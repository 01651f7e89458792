// Failover: a replica promoted to master. Fires on the first topology sample (from any
// observer of the cluster) whose changes show the promotion, naming the old and new
// master and the slots that moved; resolves when an observer sees the old master back
// without a fail flag (it rejoins as a replica) or removed. State is per cluster, so the
// same failover seen by 250 observers fires once (several processors may each emit it
// once; the alert manager deduplicates by fingerprint).
//
// The hint that matters most: what the old master was doing just before — a master busy
// longer than cluster-node-timeout is failed over although nothing is broken (KEYS,
// FLUSHALL, SAVE, a big DEL, a fork). `enrich` reads that from stored samples.
import { TOPICS, type TopologySampleV2 } from '../../contracts/index.ts';
import type { Detector } from './detector.ts';
import { alertEvent } from './events.ts';
import { failoverHints } from './failover-hints.ts';

interface OpenFailover {
  oldId: string;
  oldAddr: string;
  newId: string;
  newAddr: string;
  slots: string;
  epoch: number;
  firedAt: number;
}

export interface FailoverState {
  open: OpenFailover[];
  /** Failovers resolved in the last minute: a lagging observer reporting them late must not re-fire them. */
  recent?: Array<{ oldId: string; newId: string; resolvedAt: number }>;
}

const RECENT_MS = 60_000;

const slotText = (a?: number, b?: number) => (a === undefined ? '' : a === b ? String(a) : `${a}-${b}`);

export const failoverDetector: Detector<TopologySampleV2, FailoverState> = {
  name: 'failover',
  topics: [TOPICS.topology],
  enabled: () => true,
  subject: (m) => m.instance.cluster,
  observe(m, state, ctx) {
    let open = [...(state?.open ?? [])];
    const recent = (state?.recent ?? []).filter((r) => ctx.now - r.resolvedAt < RECENT_MS);
    const events = [];
    // The node list comes with every change (and keyframe); a sample without one changed nothing.
    const byId = new Map((m.nodes ?? []).map((n) => [n.id, n]));

    for (const c of m.changes) {
      if (c.kind !== 'role' || c.to !== 'master' || c.from === 'master') continue;
      const moved = m.changes.filter((s) => s.kind === 'slots' && s.to === c.nodeId && s.from !== '');
      const oldId = moved[0]?.from ?? m.changes.find((s) => s.kind === 'master' && s.nodeId === c.nodeId)?.from ?? '';
      // Another observer's report of the same promotion, now or just after it was over.
      if (
        open.some((f) => f.newId === c.nodeId && f.oldId === oldId) ||
        recent.some((r) => r.newId === c.nodeId && r.oldId === oldId)
      )
        continue;
      const old = byId.get(oldId);
      const f: OpenFailover = {
        oldId,
        oldAddr: old ? `${old.host}:${old.port}` : oldId.slice(0, 12) || 'unknown',
        newId: c.nodeId,
        newAddr: c.addr,
        slots: moved.map((s) => slotText(s.slotStart, s.slotEnd)).join(', '),
        epoch: byId.get(c.nodeId)?.configEpoch ?? 0,
        firedAt: ctx.now,
      };
      open.push(f);
      events.push(
        alertEvent({
          rule: 'failover',
          status: 'firing',
          severity: 'critical',
          cluster: m.instance.cluster,
          instance: f.oldAddr,
          subject: [f.oldId, f.newId],
          ts: ctx.now,
          summary: `Failover in ${m.instance.cluster}: master ${f.oldAddr} failed, replica ${f.newAddr} promoted`,
          details: [
            `old master: ${f.oldAddr} (${f.oldId.slice(0, 12)})`,
            `new master: ${f.newAddr} (${f.newId.slice(0, 12)}), config epoch ${f.epoch}`,
            `slots moved: ${f.slots || 'none reported'}`,
            `cluster_state: ${m.clusterState}, seen by ${m.instance.id}`,
          ].join('\n'),
          labels: {
            old_master: f.oldAddr,
            new_master: f.newAddr,
            old_master_id: f.oldId,
            new_master_id: f.newId,
            slots: f.slots,
          },
        }),
      );
    }

    // Resolve when this view shows the failover done and healed: the new master serving
    // as master, and the old one back as a healthy replica (or removed). Observers lag
    // each other by a sample or two; one that has not yet noticed the old master failing
    // still shows it as a healthy master, and that must not count as "back".
    const still: OpenFailover[] = [];
    for (const f of open) {
      const old = byId.get(f.oldId);
      const newIsMaster = byId.get(f.newId)?.role === 'master';
      const back =
        newIsMaster &&
        old !== undefined &&
        old.role === 'replica' &&
        old.failing === null &&
        old.linkState === 'connected';
      const removed = newIsMaster && old === undefined && (m.nodes?.length ?? 0) > 0 && f.oldId !== '';
      if (back || removed) {
        recent.push({ oldId: f.oldId, newId: f.newId, resolvedAt: ctx.now });
        events.push(
          alertEvent({
            rule: 'failover',
            status: 'resolved',
            severity: 'critical',
            cluster: m.instance.cluster,
            instance: f.oldAddr,
            subject: [f.oldId, f.newId],
            ts: ctx.now,
            summary: removed
              ? `${f.oldAddr} was removed from ${m.instance.cluster}; ${f.newAddr} is master`
              : `${f.oldAddr} is back in ${m.instance.cluster} (as ${old?.role ?? 'replica'} of ${f.newAddr})`,
            details: `failover at ${new Date(f.firedAt).toISOString()}, over after ${Math.round((ctx.now - f.firedAt) / 1000)} s`,
            labels: {
              old_master: f.oldAddr,
              new_master: f.newAddr,
              old_master_id: f.oldId,
              new_master_id: f.newId,
              slots: f.slots,
            },
          }),
        );
      } else still.push(f);
    }
    open = still;
    return { state: { open, recent }, events };
  },
  enrich: failoverHints,
};
