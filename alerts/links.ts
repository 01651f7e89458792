// Links in chat messages: the Grafana dashboard that shows the cause of the alert (with its
// variables and time range set), and the API record of the alert. Pure; base URLs come
// from `alerts.grafanaUrl` / `alerts.apiUrl`.
import type { AlertRule } from '../contracts/index.ts';
import type { GroupedAlert } from './types.ts';

export interface RuleDashboard {
  /** uid of a dashboard in dashboards/json (alerts/links.test.ts checks it exists). */
  uid: string;
  /** The table holding what the rule's detector saw; the dashboard reads it or a rollup of it (checked too). */
  table: string;
  /** The dashboard's variables the link fills: `instance` only when the alert names one. */
  vars: ReadonlyArray<'cluster' | 'instance'>;
  /** How far before the alert the dashboard opens. Keyspace scans are hours apart. */
  lookbackMs: number;
  /** The panel that shows the cause, opened on its own (`viewPanel`); alerts/links.test.ts checks id and title. */
  panel?: { id: number; title: string };
}

const QUARTER_HOUR = 15 * 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const cluster = (uid: string, table: string, lookbackMs = QUARTER_HOUR): RuleDashboard => ({
  uid,
  table,
  vars: ['cluster'],
  lookbackMs,
});
const instance = (uid: string, table: string, lookbackMs = QUARTER_HOUR): RuleDashboard => ({
  uid,
  table,
  vars: ['cluster', 'instance'],
  lookbackMs,
});

/** Where each rule's cause is shown. A Record over AlertRule: a new rule does not compile without one. */
export const RULE_DASHBOARDS: Record<AlertRule, RuleDashboard> = {
  failover: cluster('redscope-cluster-health', 'topology_changes'),
  'cluster-state': cluster('redscope-cluster-health', 'topology_samples'),
  'node-flapping': cluster('redscope-cluster-health', 'topology_changes'),
  'redirect-storm': cluster('redscope-cluster-health', 'info_samples'),
  'instance-down': cluster('redscope-fleet-overview', 'instance_status'),
  'memory-near-maxmemory': instance('redscope-instance-detail', 'info_samples'),
  // The trend was fitted over hours (detectors.memoryForecast.windowMs, 6 h by default).
  'memory-forecast': {
    ...instance('redscope-instance-detail', 'info_samples', 6 * HOUR),
    panel: { id: 2, title: 'Memory' },
  },
  evictions: instance('redscope-instance-detail', 'info_samples'),
  'replication-link-down': instance('redscope-instance-detail', 'info_samples'),
  'rejected-connections': instance('redscope-config-clients', 'info_samples'),
  'config-audit': cluster('redscope-config-clients', 'config_findings', DAY),
  'monitoring-blind': cluster('redscope-fleet-overview', 'info_samples', 60 * 60_000),
  'slowlog-storm': instance('redscope-slowlog', 'slowlog'),
  'blocking-command': instance('redscope-slowlog', 'slowlog'),
  'non-expiring-keys': instance('redscope-keys', 'info_samples', DAY),
  'non-expiring-pattern': instance('redscope-keys', 'key_patterns', DAY),
  'big-key': instance('redscope-keys', 'big_keys', DAY),
  'hot-key': instance('redscope-keys', 'hot_keys', DAY),
};

/** Dashboards for rules this build does not know (a newer producer) and for test messages. */
export const DASHBOARD_UIDS = { cluster: 'redscope-fleet-overview', instance: 'redscope-instance-detail' } as const;

function join(base: string, path: string, query: Array<[string, string]>): string {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of query) url.searchParams.append(k, v);
  return url.toString();
}

function dashboardFor(rule: string, single: boolean): RuleDashboard {
  const known = (RULE_DASHBOARDS as Record<string, RuleDashboard | undefined>)[rule];
  if (known) return known;
  return single ? instance(DASHBOARD_UIDS.instance, '') : cluster(DASHBOARD_UIDS.cluster, '');
}

export function groupLinks(
  bases: { grafanaUrl: string; apiUrl: string },
  clusterName: string,
  rule: string,
  alerts: readonly GroupedAlert[],
): { dashboard: string; api: string } {
  const instances = [...new Set(alerts.map((a) => a.event.instance).filter((i): i is string => !!i))].sort();
  const target = dashboardFor(rule, instances.length === 1);
  const from = String(Math.min(...alerts.map((a) => a.firingSinceMs)) - target.lookbackMs);
  const query: Array<[string, string]> = [['var-cluster', clusterName]];
  // A dashboard with a single-value instance variable gets one; a multi-value one gets them all.
  if (target.vars.includes('instance') && instances.length > 0) {
    const selected = target.uid === DASHBOARD_UIDS.instance ? instances.slice(0, 1) : instances;
    for (const i of selected) query.push(['var-instance', i]);
  }
  query.push(['from', from], ['to', 'now']);
  if (target.panel) query.push(['viewPanel', String(target.panel.id)]);
  const dashboard = join(bases.grafanaUrl, `/d/${target.uid}`, query);
  const api =
    alerts.length === 1
      ? join(bases.apiUrl, `/v1/alerts/${encodeURIComponent(alerts[0]!.event.fingerprint)}`, [])
      : join(bases.apiUrl, '/v1/alerts', [
          ['cluster', clusterName],
          ['rule', rule],
        ]);
  return { dashboard, api };
}
