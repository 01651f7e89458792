// Generic JSON webhook, for anything else (an incident tool, a script). The body carries
// the alerts as data plus a ready-made `text`. 2xx ok; 408, 429, 5xx retried; other 4xx fail.
import type { ChatPayload, Notifier } from '../types.ts';
import { classifyStatus, jsonPost } from './http.ts';
import { groupStatus, messageDoc, plainText } from './message.ts';

export const webhookNotifier: Notifier = {
  name: 'webhook',
  render(group): ChatPayload {
    const doc = messageDoc(group);
    return {
      version: 1,
      receiver: group.receiver,
      cluster: group.cluster,
      rule: group.rule,
      // firing (something new or still firing), follow-up (a cause found), resolved, or report.
      status: groupStatus(group),
      title: doc.title,
      text: plainText(doc),
      alerts: group.alerts.map((a) => ({
        fingerprint: a.event.fingerprint,
        notice: a.kind,
        status: a.kind === 'resolved' || a.resolvedAtMs > 0 ? 'resolved' : 'firing',
        lifecycle: a.event.lifecycle ?? 'condition',
        severity: a.event.severity,
        summary: a.event.summary,
        instance: a.event.instance ?? null,
        details: a.event.details,
        hints: a.event.hints,
        labels: a.event.labels,
        firingSinceMs: a.firingSinceMs,
        resolvedAtMs: a.resolvedAtMs || null,
        flaps: a.flaps,
      })),
      alsoFiring: group.alsoFiring,
      links: group.links,
    };
  },
  request(payload, receiver) {
    return jsonPost(receiver.url, payload);
  },
  classify(res) {
    return classifyStatus(res.status);
  },
};
