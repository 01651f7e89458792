import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AlertEventV1 } from '../contracts/index.ts';
import { DASHBOARD_UIDS, groupLinks, RULE_VIEWS } from './links.ts';
import type { GroupedAlert } from './types.ts';

const bases = { grafanaUrl: 'http://grafana:3000', apiUrl: 'http://api:8080' };
const FIRED = 1_700_000_000_000;

function alert(rule: string, instance: string): GroupedAlert {
  const event = {
    v: 1,
    kind: 'alert',
    ts: FIRED,
    fingerprint: `fp-${rule}-${instance}`,
    rule,
    status: 'firing',
    severity: 'critical',
    cluster: 'orders',
    instance,
    labels: {},
    summary: 's',
    details: '',
    hints: [],
  } as AlertEventV1;
  return { event, kind: 'firing', firingSinceMs: FIRED, resolvedAtMs: 0, flaps: 0 } as GroupedAlert;
}

describe('alert links', () => {
  it('opens the instance dashboard on the quarter hour before a one-instance alert', () => {
    const url = new URL(groupLinks(bases, 'orders', 'evictions', [alert('evictions', '10.0.0.1:7000')]).dashboard);
    expect(url.pathname).toBe(`/d/${DASHBOARD_UIDS.instance}`);
    expect(url.searchParams.get('var-instance')).toBe('10.0.0.1:7000');
    expect(url.searchParams.get('from')).toBe(String(FIRED - 15 * 60_000));
    expect(url.searchParams.get('viewPanel')).toBeNull();
  });

  it('opens a memory forecast on its memory panel over the hours the trend was fitted on', () => {
    const url = new URL(
      groupLinks(bases, 'orders', 'memory-forecast', [alert('memory-forecast', '10.0.0.1:7000')]).dashboard,
    );
    expect(url.searchParams.get('from')).toBe(String(FIRED - 6 * 3_600_000));
    expect(url.searchParams.get('viewPanel')).toBe('2');
  });

  it('points every rule view at a panel of the committed instance dashboard with that title', () => {
    const dashboard = JSON.parse(
      readFileSync(new URL(`../dashboards/json/${DASHBOARD_UIDS.instance}.json`, import.meta.url), 'utf8'),
    ) as { panels: Array<{ id: number; title: string }> };
    for (const [rule, view] of Object.entries(RULE_VIEWS)) {
      if (!view.panel) continue;
      const panel = dashboard.panels.find((p) => p.id === view.panel!.id);
      expect([rule, panel?.title]).toEqual([rule, view.panel.title]);
    }
  });
});
