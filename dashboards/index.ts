// Every dashboard redscope ships, in one list: a new dashboard is a file in builders/ and
// one line here. renderDashboards() is pure, so the test can compare it with the committed JSON.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { alertsEvents } from './builders/alerts-events.ts';
import { clusterHealth } from './builders/cluster-health.ts';
import { commandLatency } from './builders/command-latency.ts';
import { configClients } from './builders/config-clients.ts';
import { fleetOverview } from './builders/fleet-overview.ts';
import { instanceDetail } from './builders/instance-detail.ts';
import { keys } from './builders/keys.ts';
import { slowlogBlocking } from './builders/slowlog.ts';

export const DASHBOARDS: ReadonlyArray<() => Dashboard> = [
  fleetOverview,
  clusterHealth,
  slowlogBlocking,
  keys,
  configClients,
  alertsEvents,
  commandLatency,
  instanceDetail,
];

/** Where Grafana's file provider reads the dashboards (provisioning/dashboards/redscope.yaml). */
export const JSON_DIR = new URL('./json/', import.meta.url);

export interface RenderedDashboard {
  uid: string;
  file: string;
  text: string;
  dashboard: Dashboard;
}

export function renderDashboards(): RenderedDashboard[] {
  return DASHBOARDS.map((make) => {
    const dashboard = make();
    if (!dashboard.uid) throw new Error(`dashboard ${JSON.stringify(dashboard.title)} has no uid`);
    return {
      uid: dashboard.uid,
      file: `${dashboard.uid}.json`,
      text: `${JSON.stringify(dashboard, null, 2)}\n`,
      dashboard,
    };
  });
}
