import { describe, expect, it } from 'vitest';
import { firingGroup, resolvedGroup, response } from './fixtures.ts';
import { webhookNotifier } from './webhook.ts';

describe('generic webhook notifier', () => {
  it('sends the alerts as data plus a ready-made text and the links', () => {
    const p = webhookNotifier.render(firingGroup()) as {
      alerts: unknown[];
      text: string;
      links: { dashboard: string };
    };
    expect(p).toMatchObject({
      version: 1,
      receiver: 'ops',
      cluster: 'prod-a',
      rule: 'failover',
      status: 'firing',
      title: '🔴 FIRING · failover · prod-a',
    });
    expect(p.alerts[0]).toMatchObject({
      fingerprint: 'failover:prod-a:10.0.0.1:7000',
      status: 'firing',
      severity: 'critical',
      instance: '10.0.0.1:7000',
      resolvedAtMs: null,
    });
    expect(p.text).toContain('Master 10.0.0.1:7000 failed over');
    expect(p.links.dashboard).toMatch(/^https:\/\/grafana\.example\//);
    expect((webhookNotifier.render(resolvedGroup()) as Record<string, unknown>).status).toBe('resolved');
  });

  it('classifies by HTTP status', () => {
    expect(webhookNotifier.classify(response(204))).toBe('ok');
    expect(webhookNotifier.classify(response(408))).toBe('retry');
    expect(webhookNotifier.classify(response(500))).toBe('retry');
    expect(webhookNotifier.classify(response(400))).toBe('fail');
  });
});
