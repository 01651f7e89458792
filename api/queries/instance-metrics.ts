// Time series of INFO fields for one instance, averaged per step.
import { identifier, sql } from '../../common/sql.ts';

export interface MetricsQuery {
  database: string;
  instance: string;
  names: string[];
  fromSec: number;
  toSec: number;
  stepSec: number;
}

export function instanceMetricsSql(q: MetricsQuery) {
  const table = identifier(`${q.database}.info_samples`);
  // ARRAY JOIN over the two parallel arrays unrolls only the rows of this instance and range.
  return sql`SELECT intDiv(toUInt32(ts), ${q.stepSec}) * ${q.stepSec} AS t, name, avg(value) AS v
FROM ${table}
ARRAY JOIN metric_names AS name, metric_values AS value
WHERE instance = ${q.instance} AND ts >= toDateTime(${q.fromSec}) AND ts <= toDateTime(${q.toSec}) AND has(${q.names}, name)
GROUP BY t, name
ORDER BY name, t`;
}
