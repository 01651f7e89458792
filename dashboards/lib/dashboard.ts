// The frame every redscope dashboard shares: tags, time range, refresh, variables, and
// panel ids (Grafana needs them unique within a dashboard for links and panel JSON).
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DashboardCursorSync,
  type Dashboard,
  type Panel,
  type VariableModel,
} from '@grafana/grafana-foundation-sdk/dashboard';

export interface RedscopeDashboard {
  uid: string;
  title: string;
  description: string;
  variables: cog.Builder<VariableModel>[];
  panels: cog.Builder<Panel>[];
}

export function redscopeDashboard(d: RedscopeDashboard): Dashboard {
  const builder = new DashboardBuilder(d.title)
    .uid(d.uid)
    .description(d.description)
    .tags(['redscope'])
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    // Provisioned from committed JSON: edits in the UI would be lost, so say so up front.
    .readonly()
    .tooltip(DashboardCursorSync.Crosshair)
    .variables(d.variables);
  for (const panel of d.panels) builder.withPanel(panel);
  const built = builder.build();
  built.panels?.forEach((panel, i) => {
    panel.id = i + 1;
  });
  return built;
}
