// Alert groups for notifier tests.
import type { AlertEventV1 } from '../../contracts/index.ts';
import type { AlertGroup, GroupedAlert, HttpResponse } from '../types.ts';

export const T0 = Date.UTC(2026, 10, 25, 12, 3, 5);

export function alertEvent(over: Partial<AlertEventV1> = {}): AlertEventV1 {
  return {
    v: 1,
    kind: 'alert',
    ts: T0,
    fingerprint: 'failover:prod-a:10.0.0.1:7000',
    rule: 'failover',
    status: 'firing',
    severity: 'critical',
    cluster: 'prod-a',
    instance: '10.0.0.1:7000',
    labels: { role: 'master' },
    summary: 'Master 10.0.0.1:7000 failed over to 10.0.0.2:7001',
    details: 'Replica 10.0.0.2:7001 promoted after 4.1 s\nSlots 0-5460 moved',
    hints: ['SLOWLOG: KEYS user:* took 2.3 s just before', 'used_memory at 98% of maxmemory'],
    ...over,
  };
}

export function groupOf(alerts: GroupedAlert[], over: Partial<AlertGroup> = {}): AlertGroup {
  return {
    receiver: 'ops',
    cluster: 'prod-a',
    rule: 'failover',
    alerts,
    alsoFiring: 0,
    links: {
      dashboard: 'https://grafana.example/d/redscope-instance?var-cluster=prod-a',
      api: 'https://api.example/v1/alerts/failover%3Aprod-a',
    },
    ...over,
  };
}

export const firingGroup = (): AlertGroup =>
  groupOf([{ event: alertEvent(), kind: 'firing', firingSinceMs: T0, resolvedAtMs: 0, flaps: 0 }]);
export const resolvedGroup = (): AlertGroup =>
  groupOf([
    {
      event: alertEvent({ status: 'resolved' }),
      kind: 'resolved',
      firingSinceMs: T0,
      resolvedAtMs: T0 + 5 * 60_000,
      flaps: 0,
    },
  ]);

export function response(status: number, body: unknown = '', headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) };
}
