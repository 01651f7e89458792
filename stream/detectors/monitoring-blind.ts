// Monitoring the monitor: `monitoring-blind` fires when a cluster's samples, or a
// collector's, stop reaching the processor for `monitoringBlind.afterMs` — a collector
// that died or lost Kafka, a cluster its collector no longer samples — and resolves when
// they arrive again. Instances that are down are not blind: their collector still reports
// them (instance-down). A subject silent for `forgetAfterMs` (a decommissioned collector)
// is resolved as no longer watched, and forgotten.
//
// "Arriving" is judged by the processor's clock when it handled a sample, so a backlog
// being caught up after a restart counts as arriving, and collector clock skew does not
// matter. A processor watches only what reaches it: after a rebalance it waits afterMs
// before judging, and a subject whose partitions went to another processor is forgotten
// here (that processor watches it from then on).
import { TOPICS } from '../../contracts/index.ts';
import type { Detector, DetectorContext, TickContext } from './detector.ts';
import { alertEvent } from './events.ts';

export interface BlindState {
  /** Processor clock when a sample of this subject last arrived. */
  lastArrivalMs: number;
  /** `topic/partition`s its samples arrived on (a processor watches what is assigned to it). */
  sources: string[];
  firingSinceMs: number | null;
  /** The cluster or collector name. */
  name: string;
  /** The (last) cluster its samples belonged to. */
  cluster: string;
}

type AnySample = { ts: number; instance: { cluster: string }; collector: string };

/** Samples every instance produces about every second, whatever its state. */
const TOPICS_WATCHED = [TOPICS.info, TOPICS.topology, TOPICS.latency, TOPICS.status];
const MAX_SOURCES = 64;

function blindDetector(kind: 'cluster' | 'collector'): Detector<AnySample, BlindState> {
  const name = `monitoring-blind-${kind}`;
  const subjectOf = (m: AnySample) => (kind === 'cluster' ? m.instance.cluster : m.collector);
  const event = (subject: string, s: BlindState, status: 'firing' | 'resolved', now: number, summary: string) =>
    alertEvent({
      rule: 'monitoring-blind',
      status,
      severity: 'critical',
      cluster: kind === 'cluster' ? subject : s.cluster,
      subject: [kind, subject],
      ts: now,
      summary,
      details:
        kind === 'cluster'
          ? `no INFO, topology, latency or status sample of cluster ${subject} reached the stream processor since ${new Date(s.lastArrivalMs).toISOString()}. Failovers and other faults there go unnoticed meanwhile. Check its collectors (GET /health on each) and their Kafka connection.`
          : `no sample from collector ${subject} reached the stream processor since ${new Date(s.lastArrivalMs).toISOString()}. The instances it watches go unmonitored meanwhile. Check the collector process and its Kafka connection (GET /health).`,
      labels: { [kind]: subject },
    });
  return {
    name,
    topics: TOPICS_WATCHED,
    enabled: (s) => s.monitoringBlind.enabled,
    subject: (m) => (kind === 'cluster' ? `cluster:${m.instance.cluster}` : `collector:${m.collector}`),
    observe(m, prev, ctx: DetectorContext) {
      const now = ctx.receivedMs ?? ctx.now;
      const sources =
        ctx.source && !prev?.sources.includes(ctx.source)
          ? [...(prev?.sources ?? []), ctx.source].slice(-MAX_SOURCES)
          : (prev?.sources ?? []);
      const name = subjectOf(m);
      const state: BlindState = { lastArrivalMs: now, sources, firingSinceMs: null, name, cluster: m.instance.cluster };
      if (!prev?.firingSinceMs) return { state, events: [] };
      const silentS = Math.round((now - prev.lastArrivalMs) / 1000);
      return {
        state,
        events: [
          event(name, prev, 'resolved', now, `${kind} ${name}: samples arriving again after ${silentS} s of silence`),
        ],
      };
    },
    tick(s, ctx: TickContext) {
      const cfg = ctx.settings.monitoringBlind;
      const silentMs = ctx.now - s.lastArrivalMs;
      // Another processor owns its partitions now: it watches the subject from here on.
      const watched = !ctx.assigned || s.sources.length === 0 || s.sources.some((p) => ctx.assigned!.has(p));
      if (!watched) return { state: undefined, events: [] };
      if (silentMs >= cfg.forgetAfterMs) {
        const gone = `${kind} ${s.name}: silent for ${Math.round(silentMs / 3_600_000)} h; no longer watched (decommissioned?)`;
        return { state: undefined, events: s.firingSinceMs ? [event(s.name, s, 'resolved', ctx.now, gone)] : [] };
      }
      if (s.firingSinceMs || silentMs < cfg.afterMs || ctx.now - ctx.assignedSinceMs < cfg.afterMs)
        return { state: s, events: [] };
      const summary = `Monitoring blind: no samples from ${kind} ${s.name} for ${Math.round(silentMs / 1000)} s`;
      return { state: { ...s, firingSinceMs: ctx.now }, events: [event(s.name, s, 'firing', ctx.now, summary)] };
    },
  };
}

export const clusterBlindDetector = blindDetector('cluster');
export const collectorBlindDetector = blindDetector('collector');
