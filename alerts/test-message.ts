// The message `redscope alerts test` sends: a made-up warning rendered exactly as real
// alerts are, so what arrives shows how alerts will look in that channel.
import type { AlertsConfig } from '../common/config-alerts.ts';
import type { AlertEventV1, NotificationV1 } from '../contracts/index.ts';
import { groupLinks } from './links.ts';
import { notifierFor } from './notifiers/index.ts';
import type { AlertGroup, ReceiverConfig } from './types.ts';

export function testMessage(
  config: Pick<AlertsConfig, 'grafanaUrl' | 'apiUrl'>,
  receiver: ReceiverConfig,
  nowMs: number,
): NotificationV1 {
  const event: AlertEventV1 = {
    v: 1,
    kind: 'alert',
    ts: nowMs,
    fingerprint: `test-${nowMs}`,
    rule: 'test',
    status: 'firing',
    severity: 'info',
    cluster: 'redscope-test',
    instance: '127.0.0.1:7000',
    labels: {},
    summary: 'Test message from redscope: alerts reach this channel',
    details: 'Sent by `redscope alerts test`. Nothing is wrong.',
    hints: ['Real alerts look like this one, with their own severity and hints.'],
  };
  const alerts = [{ event, kind: 'firing' as const, firingSinceMs: nowMs, resolvedAtMs: 0, flaps: 0 }];
  const group: AlertGroup = {
    receiver: receiver.name,
    cluster: event.cluster,
    rule: event.rule,
    alerts,
    alsoFiring: 0,
    links: groupLinks(config, event.cluster, event.rule, alerts),
  };
  return {
    v: 1,
    kind: 'notification',
    id: event.fingerprint,
    ts: nowMs,
    receiver: receiver.name,
    receiverType: receiver.type,
    cluster: event.cluster,
    rule: event.rule,
    fingerprints: [event.fingerprint],
    payload: notifierFor(receiver.type).render(group),
  };
}
