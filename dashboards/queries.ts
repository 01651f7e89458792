// Every ClickHouse query of the committed dashboards — panels, annotations, variables —
// with what its result must look like, so tests can run each one and check the shape
// Grafana needs (see shape.ts).
import type { AnnotationQuery, Dashboard, Panel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { ANNOTATION_COLUMNS } from './lib/annotations.ts';
import { ORGANIZE } from './lib/panels.ts';

export type QueryKind = 'timeseries' | 'table' | 'stat' | 'annotation' | 'variable';

export interface DashboardQuery {
  uid: string;
  /** "<dashboard title> / <panel title>" (or "$var", "annotation: name"). */
  where: string;
  kind: QueryKind;
  sql: string;
  /** Tables and annotations: the columns the result must have, in order. */
  columns?: readonly string[];
}

interface Target {
  rawSql: string;
  format: number;
}

function panelKind(p: Panel): QueryKind {
  if (p.type === 'timeseries' || p.type === 'table' || p.type === 'stat') return p.type;
  // A heatmap of pre-bucketed counts reads a time series (one series per bucket).
  if (p.type === 'heatmap') return 'timeseries';
  throw new Error(`panel ${p.title}: no shape rule for panel type ${p.type}`);
}

function declaredColumns(p: Panel): string[] | undefined {
  const organize = p.transformations?.find((t) => t.id === ORGANIZE);
  if (!organize) return undefined;
  const index = organize.options.indexByName as Record<string, number>;
  return Object.keys(index).sort((a, b) => index[a]! - index[b]!);
}

export function dashboardQueries(d: Dashboard): DashboardQuery[] {
  const uid = d.uid!;
  const out: DashboardQuery[] = [];
  for (const v of (d.templating?.list ?? []) as VariableModel[]) {
    if (v.type === 'query') out.push({ uid, where: `${d.title} / $${v.name}`, kind: 'variable', sql: String(v.query) });
  }
  for (const a of (d.annotations?.list ?? []) as AnnotationQuery[]) {
    const target = a.target as unknown as Target | undefined;
    if (!target?.rawSql) continue; // Grafana's built-in annotations
    out.push({
      uid,
      where: `${d.title} / annotation: ${a.name}`,
      kind: 'annotation',
      sql: target.rawSql,
      columns: ANNOTATION_COLUMNS,
    });
  }
  for (const p of (d.panels ?? []) as Panel[]) {
    const kind = panelKind(p);
    for (const t of (p.targets ?? []) as unknown as Target[]) {
      const columns = declaredColumns(p);
      out.push({ uid, where: `${d.title} / ${p.title}`, kind, sql: t.rawSql, ...(columns ? { columns } : {}) });
    }
  }
  return out;
}
