// A panel target in the query model of the grafana-clickhouse-datasource plugin (v4):
//   { datasource, refId, editorType: 'sql', rawSql, queryType, format }
// `format` is sqlds's FormatQueryOption: 0 = time series, 1 = table. With 0 the plugin's
// backend turns a "long" result (a DateTime column, label columns, value columns) into one
// series per label combination, which is why every time-series query here ends in ORDER BY t.
// `queryType` only picks the visualisation in Explore; it is kept consistent with `format`.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { CLICKHOUSE_DATASOURCE } from './datasource.ts';

export type ResultShape = 'timeseries' | 'table';

export interface ClickHouseQuery extends cog.Dataquery {
  datasource: typeof CLICKHOUSE_DATASOURCE;
  refId: string;
  editorType: 'sql';
  queryType: ResultShape;
  format: 0 | 1;
  rawSql: string;
}

export function clickhouseQuery(rawSql: string, shape: ResultShape, refId = 'A'): cog.Builder<cog.Dataquery> {
  return {
    build: (): ClickHouseQuery => ({
      datasource: { ...CLICKHOUSE_DATASOURCE },
      refId,
      editorType: 'sql',
      queryType: shape,
      format: shape === 'timeseries' ? 0 : 1,
      rawSql,
      // Marker method the SDK's Dataquery type asks for; JSON.stringify drops it.
      _implementsDataqueryVariant() {},
    }),
  };
}
