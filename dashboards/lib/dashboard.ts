// The frame every redscope dashboard shares: tags, time range, refresh, variables, a menu
// of the other redscope dashboards (keeping time range and variables), annotations, and
// panel ids (Grafana needs them unique within a dashboard for links and panel JSON).
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  type AnnotationQuery,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
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
  annotations?: cog.Builder<AnnotationQuery>[];
  /** Default time range start (Grafana relative time), `now-1h` unless said. */
  from?: string;
}

export function redscopeDashboard(d: RedscopeDashboard): Dashboard {
  const builder = new DashboardBuilder(d.title)
    .uid(d.uid)
    .description(d.description)
    .tags(['redscope'])
    .time({ from: d.from ?? 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    // Provisioned from committed JSON: edits in the UI would be lost, so say so up front.
    .readonly()
    .tooltip(DashboardCursorSync.Crosshair)
    .variables(d.variables)
    .link(
      new DashboardLinkBuilder('Redscope')
        .type(DashboardLinkType.Dashboards)
        .tags(['redscope'])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(true)
        .targetBlank(false)
        .icon('external link')
        .tooltip(''),
    );
  if (d.annotations?.length) builder.annotations(d.annotations);
  for (const panel of d.panels) builder.withPanel(panel);
  const built = builder.build();
  built.panels?.forEach((panel, i) => {
    panel.id = i + 1;
  });
  return built;
}
