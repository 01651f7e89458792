// Links in chat messages: the Grafana dashboard that shows the problem and the API
// record of the alert. Pure; base URLs come from `alerts.grafanaUrl` / `alerts.apiUrl`.
import type { GroupedAlert } from './types.ts';

/** Dashboard UIDs; must match the ones the dashboards/ builders give their dashboards. */
// The committed dashboards (dashboards/json); a test checks these UIDs exist there.
export const DASHBOARD_UIDS = { cluster: 'redscope-fleet-overview', instance: 'redscope-instance-detail' } as const;

/** Dashboards open on the quarter hour before the alert began, up to now… */
const LOOKBACK_MS = 15 * 60_000;

/**
 * …unless the rule's evidence has another time scale or one panel shows it. `panel` is the
 * instance-detail dashboard's panel id (`viewPanel`); alerts/links.test.ts checks its title.
 */
export const RULE_VIEWS: Readonly<Record<string, { lookbackMs?: number; panel?: { id: number; title: string } }>> = {
  // The forecast is fitted over hours (detectors.memoryForecast.windowMs, 6 h by default).
  'memory-forecast': { lookbackMs: 6 * 3_600_000, panel: { id: 2, title: 'Memory' } },
  'memory-near-maxmemory': { panel: { id: 2, title: 'Memory' } },
};

function join(base: string, path: string, query: Record<string, string>): string {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

export function groupLinks(
  bases: { grafanaUrl: string; apiUrl: string },
  cluster: string,
  rule: string,
  alerts: readonly GroupedAlert[],
): { dashboard: string; api: string } {
  const instances = new Set(alerts.map((a) => a.event.instance).filter((i): i is string => !!i));
  const view = RULE_VIEWS[rule];
  const from = String(Math.min(...alerts.map((a) => a.firingSinceMs)) - (view?.lookbackMs ?? LOOKBACK_MS));
  const single = instances.size === 1 ? [...instances][0]! : null;
  const dashboard = single
    ? join(bases.grafanaUrl, `/d/${DASHBOARD_UIDS.instance}`, {
        'var-cluster': cluster,
        'var-instance': single,
        from,
        to: 'now',
        ...(view?.panel ? { viewPanel: String(view.panel.id) } : {}),
      })
    : join(bases.grafanaUrl, `/d/${DASHBOARD_UIDS.cluster}`, { 'var-cluster': cluster, from, to: 'now' });
  const api =
    alerts.length === 1
      ? join(bases.apiUrl, `/v1/alerts/${encodeURIComponent(alerts[0]!.event.fingerprint)}`, {})
      : join(bases.apiUrl, '/v1/alerts', { cluster, rule });
  return { dashboard, api };
}
