// An instance its collector cannot reach. The collector reports the change at once and
// re-states "down" every 30 s; this fires once the instance has been down for
// `forMs`, and resolves when it answers again.
import { TOPICS, type InstanceStatusV1 } from '../../contracts/index.ts';
import type { Detector } from './detector.ts';
import { alertEvent } from './events.ts';

export interface InstanceDownState {
  downSince: number | null;
  firing: boolean;
}

const FOR_MS = 10_000;

export const instanceDownDetector: Detector<InstanceStatusV1, InstanceDownState> = {
  name: 'instance-down',
  topics: [TOPICS.status],
  enabled: () => true,
  subject: (m) => m.instance.id,
  observe(m, state, ctx) {
    const s = state ?? { downSince: null, firing: false };
    const base = {
      rule: 'instance-down' as const,
      severity: 'critical' as const,
      cluster: m.instance.cluster,
      instance: m.instance.id,
      subject: [m.instance.id],
      ts: ctx.now,
    };
    if (!m.reachable) {
      const downSince = s.downSince ?? m.since;
      if (!s.firing && ctx.now - downSince >= FOR_MS) {
        return {
          state: { downSince, firing: true },
          events: [
            alertEvent({
              ...base,
              status: 'firing',
              summary: `${m.instance.id} (${m.instance.cluster}) is unreachable`,
              details: `unreachable from collector ${m.collector} since ${new Date(downSince).toISOString()}: ${m.error ?? 'no answer'}`,
            }),
          ],
        };
      }
      return { state: { downSince, firing: s.firing }, events: [] };
    }
    const events = s.firing
      ? [
          alertEvent({
            ...base,
            status: 'resolved',
            summary: `${m.instance.id} (${m.instance.cluster}) answers again`,
            details: `down for ${Math.round((ctx.now - (s.downSince ?? ctx.now)) / 1000)} s`,
          }),
        ]
      : [];
    return { state: { downSince: null, firing: false }, events };
  },
};
