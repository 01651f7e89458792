// Annotations: events drawn across every time-series panel of a dashboard (a failover,
// a topology change, a slow command), each from one ClickHouse query. Grafana reads the
// columns by name: `time` (DateTime, required), `title`, `text`, and `tags` (a comma-
// separated string); the query runs with the dashboard's time range and variables, like
// a panel (format table).
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { AnnotationQueryBuilder, type AnnotationQuery } from '@grafana/grafana-foundation-sdk/dashboard';
import { clickhouseQuery } from './clickhouse-query.ts';
import { CLICKHOUSE_DATASOURCE } from './datasource.ts';

/** The columns every annotation query returns, in this order. */
export const ANNOTATION_COLUMNS = ['time', 'title', 'text', 'tags'] as const;

export interface SqlAnnotation {
  name: string;
  /** SELECT … AS time, … AS title, … AS text, … AS tags — see ANNOTATION_COLUMNS. */
  sql: string;
  /** Grafana colour name or #rrggbb. */
  color: string;
}

export function sqlAnnotation(a: SqlAnnotation): cog.Builder<AnnotationQuery> {
  return new AnnotationQueryBuilder()
    .name(a.name)
    .datasource({ ...CLICKHOUSE_DATASOURCE })
    .enable(true)
    .iconColor(a.color)
    .target(clickhouseQuery(a.sql, 'table'));
}
