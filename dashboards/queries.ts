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
  /** Time series: the smallest bucket Grafana may ask for (the panel's `interval`), in seconds. */
  minIntervalSec?: number;
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

const UNIT_SEC: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Grafana's interval syntax as the panels use it: '10s', '1m', '6h'. */
export function intervalSeconds(interval: string): number {
  const m = /^(\d+)([smhd])$/.exec(interval);
  if (!m) throw new Error(`interval ${JSON.stringify(interval)} is not <number><s|m|h|d>`);
  return Number(m[1]) * UNIT_SEC[m[2]!]!;
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
      out.push({
        uid,
        where: `${d.title} / ${p.title}`,
        kind,
        sql: t.rawSql,
        ...(columns ? { columns } : {}),
        ...(p.interval ? { minIntervalSec: intervalSeconds(p.interval) } : {}),
      });
    }
  }
  return out;
}
