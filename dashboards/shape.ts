// What Grafana needs from each query's result, by panel type. Used by the tests on real
// ClickHouse results, together with the Go checker's plugin conversion (check/):
//   time series  a DateTime column first, every other column a label (String) or a number,
//                rows ordered by time, and the plugin's long → wide conversion succeeds;
//   stat         exactly one row of numbers;
//   table        exactly the declared columns, in order;
//   annotation   time (DateTime), title, text, tags;
//   variable     one column of names.
import type { FrameResult } from './check/index.ts';
import type { DashboardQuery } from './queries.ts';

export interface QueryResult {
  meta: Array<{ name: string; type: string }>;
  data: unknown[][];
}

const bare = (type: string) => type.replace(/^Nullable\((.*)\)$/, '$1');
export const isNumeric = (type: string) => /^(U?Int\d+|Float\d+|Decimal)/.test(bare(type));
export const isTime = (type: string) => /^DateTime/.test(bare(type)) || bare(type) === 'Date';
const isText = (type: string) => /^(String|FixedString|LowCardinality\(String\))/.test(bare(type));

/** Problems with one result (empty when it fits its panel). `frame` is the Go checker's verdict. */
export function shapeProblems(q: DashboardQuery, r: QueryResult, frame?: FrameResult): string[] {
  const problems: string[] = [];
  const names = r.meta.map((m) => m.name);
  switch (q.kind) {
    case 'timeseries': {
      const [first, ...rest] = r.meta;
      if (!first || !isTime(first.type)) problems.push(`first column must be a DateTime, got ${first?.type}`);
      for (const m of rest)
        if (!isNumeric(m.type) && !isText(m.type))
          problems.push(`${m.name} is ${m.type}: neither a number nor a label`);
      if (!rest.some((m) => isNumeric(m.type))) problems.push('no numeric value column');
      const times = r.data.map((row) => String(row[0]));
      for (let i = 1; i < times.length; i++)
        if (times[i]! < times[i - 1]!) {
          problems.push(`rows not ordered by time (row ${i}: ${times[i]} after ${times[i - 1]})`);
          break;
        }
      if (!frame) problems.push('no frame check');
      else if (frame.error) problems.push(`plugin frame conversion: ${frame.error}`);
      break;
    }
    case 'stat':
      if (r.data.length !== 1) problems.push(`a stat needs exactly one row, got ${r.data.length}`);
      for (const m of r.meta) if (!isNumeric(m.type)) problems.push(`${m.name} is ${m.type}, not a number`);
      break;
    case 'table':
    case 'annotation':
      if (JSON.stringify(names) !== JSON.stringify(q.columns))
        problems.push(`columns ${JSON.stringify(names)}, declared ${JSON.stringify(q.columns)}`);
      if (q.kind === 'annotation' && r.meta[0] && !isTime(r.meta[0].type))
        problems.push(`annotation time is ${r.meta[0].type}, not a DateTime`);
      break;
    case 'variable':
      if (r.meta.length !== 1) problems.push(`a variable query returns one column, got ${names.join(', ')}`);
      break;
  }
  return problems;
}
