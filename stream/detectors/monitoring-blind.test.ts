import { describe, expect, it } from 'vitest';
import { defaultDetectorsConfig } from '../../common/config-detectors.ts';
import type { AlertEventV1 } from '../../contracts/index.ts';
import type { Detector, TickContext } from './detector.ts';
import { clusterBlindDetector, collectorBlindDetector, type BlindState } from './monitoring-blind.ts';

const settings = defaultDetectorsConfig();
type Sample = { ts: number; instance: { cluster: string }; collector: string };
const sample = (cluster: string, collector: string, ts: number): Sample => ({ ts, instance: { cluster }, collector });

/**
 * Samples arrive (processor clock = ts here), ticks every second; `assigned` changes at
 * given times. Returns the events of one detector.
 */
function run(
  d: Detector<Sample, BlindState>,
  arrivals: Array<[ms: number, s: Sample, source?: string]>,
  untilMs: number,
  opts: { assigned?: Array<[atMs: number, set: string[]]>; startMs?: number } = {},
) {
  const states = new Map<string, BlindState | undefined>();
  const events: AlertEventV1[] = [];
  let assigned: Set<string> | undefined;
  let assignedSinceMs = opts.startMs ?? 0;
  const queue = [...arrivals];
  const changes = [...(opts.assigned ?? [])];
  for (let now = 0; now <= untilMs; now += 1000) {
    while (changes.length > 0 && changes[0]![0] <= now) {
      assigned = new Set(changes.shift()![1]);
      assignedSinceMs = now;
    }
    while (queue.length > 0 && queue[0]![0] <= now) {
      const [at, m, source] = queue.shift()!;
      const k = d.subject(m)!;
      const r = d.observe(m, states.get(k), { now: m.ts, settings, receivedMs: at, source });
      states.set(k, r.state);
      events.push(...r.events);
    }
    const ctx: TickContext = { now, settings, assigned, assignedSinceMs };
    for (const [k, s] of states) {
      if (!s) continue;
      const r = d.tick!(s, ctx);
      states.set(k, r.state);
      events.push(...r.events);
    }
  }
  return events;
}

const every = (from: number, to: number, f: (t: number) => Sample, source?: string) =>
  Array.from({ length: Math.floor((to - from) / 1000) + 1 }, (_, i): [number, Sample, string?] => [
    from + i * 1000,
    f(from + i * 1000),
    source,
  ]);

describe('monitoring-blind', () => {
  it('a collector whose samples stop for a minute fires once; samples again resolve it', () => {
    const arrivals = [
      ...every(0, 30_000, (t) => sample('orders', 'host-a', t)),
      ...every(200_000, 210_000, (t) => sample('orders', 'host-a', t)),
    ];
    const events = run(collectorBlindDetector, arrivals, 260_000);
    expect(events.map((e) => [e.status, e.rule, e.labels.collector])).toEqual([
      ['firing', 'monitoring-blind', 'host-a'],
      ['resolved', 'monitoring-blind', 'host-a'],
    ]);
    expect(events[0]!.ts).toBe(30_000 + settings.monitoringBlind.afterMs);
    expect(events[0]!.summary).toBe('Monitoring blind: no samples from collector host-a for 60 s');
    expect(events[1]!.summary).toBe('collector host-a: samples arriving again after 170 s of silence');
  });

  it('one cluster going silent fires for that cluster only; steady samples never fire', () => {
    const arrivals = [
      ...every(0, 300_000, (t) => sample('orders', 'host-a', t)),
      ...every(0, 20_000, (t) => sample('carts', 'host-a', t)),
    ].sort((a, b) => a[0] - b[0]);
    const events = run(clusterBlindDetector, arrivals, 300_000);
    expect(events.map((e) => [e.status, e.cluster])).toEqual([['firing', 'carts']]);
  });

  it('after a rebalance moves a subject’s partitions to another processor it is forgotten, not alerted', () => {
    const arrivals = every(0, 30_000, (t) => sample('orders', 'host-a', t), 'redscope.info.v1/3');
    const events = run(collectorBlindDetector, arrivals, 200_000, { assigned: [[30_500, ['redscope.info.v1/1']]] });
    expect(events).toEqual([]);
  });

  it('right after a (re)start or rebalance it waits one silence period before judging', () => {
    const events = run(collectorBlindDetector, [[0, sample('orders', 'host-a', 0)]], 120_000, {
      assigned: [[50_000, []]],
    });
    expect(events.map((e) => e.ts)).toEqual([50_000 + settings.monitoringBlind.afterMs]);
  });
});
