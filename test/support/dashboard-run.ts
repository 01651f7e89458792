// Runs dashboard queries the way Grafana would send them — variables and the plugin's
// macros expanded, the panel's interval applied — on a real ClickHouse, and checks each
// result's shape for its panel type (dashboards/shape.ts, with the plugin SDK's frame
// conversion in dashboards/check). Shared by the synthetic-fleet, seeded-pipeline and
// row-budget tests.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Dashboard, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { checkFrames } from '../../dashboards/check/index.ts';
import { expandMacros, type VariableValue } from '../../dashboards/macros.ts';
import type { DashboardQuery } from '../../dashboards/queries.ts';
import { shapeProblems, type QueryResult } from '../../dashboards/shape.ts';

export interface TimeRange {
  fromSec: number;
  toSec: number;
}

/** About one point per pixel of a wide panel: Grafana's maxDataPoints for a full-width panel. */
const MAX_DATA_POINTS = 1000;

/**
 * $__interval in seconds as Grafana computes it for a panel: the range over its data points,
 * never below the panel's own minimum interval (`interval`: '10s' raw, '1m' rollups).
 */
export function panelIntervalSec(q: DashboardQuery, range: TimeRange): number {
  const byRange = Math.ceil((range.toSec - range.fromSec) / MAX_DATA_POINTS);
  return Math.max(q.minIntervalSec ?? 1, byRange, 1);
}

export function queryVariables(d: Dashboard): VariableModel[] {
  return (d.templating?.list ?? []).filter((v) => v.type === 'query');
}

/** "All" of variable `v` with these options, carrying the variable's custom all value if it has one. */
export function allOf(v: VariableModel, values: string[]): VariableValue {
  return { values, all: true, multi: Boolean(v.multi), ...(v.allValue ? { allValue: v.allValue } : {}) };
}

export interface QueryRun extends DashboardQuery {
  expanded: string;
  result?: QueryResult;
  /** The ClickHouse error, first line. */
  error?: string;
  /** What does not fit the panel (empty when the result has the panel's shape). */
  problems: string[];
}

/** Expands each query for the range and variables, runs it, and checks every result's shape. */
export async function runQueries(
  ch: ClickHouseClient,
  queries: readonly DashboardQuery[],
  range: TimeRange,
  variables: Record<string, VariableValue>,
  settings: Record<string, string | number> = {},
  queryId?: (index: number) => string,
): Promise<QueryRun[]> {
  const runs: QueryRun[] = [];
  for (const [index, q] of queries.entries()) {
    const expanded = expandMacros(q.sql, { ...range, intervalSec: panelIntervalSec(q, range), variables });
    try {
      const rs = await ch.query({
        query: expanded,
        format: 'JSONCompact',
        clickhouse_settings: settings as Record<string, never>,
        ...(queryId ? { query_id: queryId(index) } : {}),
      });
      runs.push({ ...q, expanded, result: (await rs.json()) as unknown as QueryResult, problems: [] });
    } catch (err) {
      runs.push({ ...q, expanded, error: (err as Error).message.split('\n')[0], problems: [] });
    }
  }
  const done = runs.filter((r) => r.result);
  const frames = checkFrames(
    done.map((r, i) => ({
      id: String(i),
      format: r.kind === 'timeseries' ? 'timeseries' : 'table',
      meta: r.result!.meta,
      data: r.result!.data,
    })),
  );
  done.forEach((r, i) => {
    r.problems = shapeProblems(r, r.result!, frames[i]);
  });
  return runs;
}

/** A result's rows as objects keyed by column name (UInt64 arrives as a string: use Number()). */
export function rowsOf(run: QueryRun | undefined): Array<Record<string, unknown>> {
  if (!run?.result) return [];
  const names = run.result.meta.map((m) => m.name);
  return run.result.data.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
}

/** The run of the panel (or annotation, variable) whose `where` ends with `title`. */
export function runOf(runs: readonly QueryRun[], title: string): QueryRun {
  const found = runs.filter((r) => r.where.endsWith(` / ${title}`));
  if (found.length !== 1) throw new Error(`${found.length} queries titled ${JSON.stringify(title)}`);
  return found[0]!;
}
