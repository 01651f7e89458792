// sqlPanel: one ClickHouse query shown as a time series, a table or a single stat. A new
// panel is one call; layout is automatic (panels flow left to right, 24 columns wide).
// A table declares its columns (SQL name → header): they become Grafana's "organize"
// transformation (order and headers), and the tests check the query returns exactly them.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { HeatmapCellLayout } from '@grafana/grafana-foundation-sdk/common';
import {
  PanelBuilder as HeatmapPanelBuilder,
  RowsHeatmapOptionsBuilder,
  YAxisConfigBuilder,
} from '@grafana/grafana-foundation-sdk/heatmap';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { clickhouseQuery } from './clickhouse-query.ts';
import { CLICKHOUSE_DATASOURCE } from './datasource.ts';

export interface SqlPanel {
  title: string;
  /** ClickHouse SQL with the plugin's macros ($__timeFilter(ts), $__interval_s, …); see lib/sql.ts. */
  sql: string;
  kind: 'timeseries' | 'table' | 'stat';
  /** Grafana unit id: 'bytes', 'ops', 'short', 'percentunit', 'µs', 's', … */
  unit?: string;
  description?: string;
  /** Grid columns out of 24 (default: 12; stats 6). */
  width?: number;
  /** Grid rows (default: 8; stats 4). */
  height?: number;
  /** Series name template, e.g. '${__field.labels.cluster}' for one series per cluster. */
  legend?: string;
  decimals?: number;
  /** Tables: the columns the query returns, in order, with their headers. */
  columns?: Readonly<Record<string, string>>;
  /**
   * Time series: the smallest bucket Grafana may ask for ($__interval_s). Panels on the
   * minute rollups use '1m'; raw per-second samples '10s' (the default).
   */
  minInterval?: string;
}

/** The transformation that carries a table's declared columns (see `columns`). */
export const ORGANIZE = 'organize';

export function sqlPanel(p: SqlPanel): cog.Builder<dashboard.Panel> {
  const isStat = p.kind === 'stat';
  if ((p.kind === 'table') !== (p.columns !== undefined))
    throw new Error(`${p.title}: tables and only tables declare their columns`);
  const panel = build(p)
    .title(p.title)
    .datasource({ ...CLICKHOUSE_DATASOURCE })
    // A stat reads one row: the table shape keeps the plugin from pivoting it.
    .withTarget(clickhouseQuery(p.sql, p.kind === 'timeseries' ? 'timeseries' : 'table'))
    .span(p.width ?? (isStat ? 6 : 12))
    .height(p.height ?? (isStat ? 4 : 8));
  if (p.description) panel.description(p.description);
  if (p.unit) panel.unit(p.unit);
  if (p.legend) panel.displayName(p.legend);
  if (p.decimals !== undefined) panel.decimals(p.decimals);
  if (p.columns) {
    const names = Object.keys(p.columns);
    panel.withTransformation({
      id: ORGANIZE,
      options: {
        excludeByName: {},
        indexByName: Object.fromEntries(names.map((n, i) => [n, i])),
        renameByName: { ...p.columns },
      },
    });
  }
  return panel;
}

function build(p: SqlPanel) {
  switch (p.kind) {
    case 'timeseries':
      return (
        new TimeseriesPanelBuilder()
          // Samples arrive every second; smaller buckets only add points nobody can see.
          .interval(p.minInterval ?? '10s')
          .legend(
            new VizLegendOptionsBuilder()
              .showLegend(true)
              .displayMode(LegendDisplayMode.List)
              .placement(LegendPlacement.Bottom)
              .calcs([]),
          )
          .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
          .fillOpacity(10)
          .spanNulls(true)
      );
    case 'table':
      return new TablePanelBuilder();
    case 'stat':
      return new StatPanelBuilder()
        .graphMode(BigValueGraphMode.None)
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields(''));
  }
}

export interface HeatmapPanel {
  title: string;
  /**
   * A time series in long form: the time, a label column naming each bucket by its upper
   * bound (`le`), and its count; every bucket at every time, in ascending order.
   */
  sql: string;
  description?: string;
  /** Unit of the buckets (the y axis). */
  unit: string;
  /** Series name template giving each bucket's bound, e.g. '${__field.labels.le}'. */
  legend: string;
  minInterval: string;
  width?: number;
  height?: number;
}

/**
 * Pre-bucketed counts as a heatmap: Grafana does not bucket again (calculate false), and
 * reads each series' name as the upper bound of its bucket (layout le), as it does for a
 * Prometheus histogram.
 */
export function heatmapPanel(p: HeatmapPanel): cog.Builder<dashboard.Panel> {
  const panel = new HeatmapPanelBuilder()
    .title(p.title)
    .datasource({ ...CLICKHOUSE_DATASOURCE })
    .withTarget(clickhouseQuery(p.sql, 'timeseries'))
    .interval(p.minInterval)
    .calculate(false)
    .rowsFrame(new RowsHeatmapOptionsBuilder().layout(HeatmapCellLayout.Le).value('calls'))
    .yAxis(new YAxisConfigBuilder().unit(p.unit))
    .displayName(p.legend)
    .span(p.width ?? 12)
    .height(p.height ?? 8);
  if (p.description) panel.description(p.description);
  return panel;
}
