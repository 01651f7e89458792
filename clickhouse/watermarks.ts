// Highest Kafka offset already stored, per raw table and partition (see migrations/0002).
import { identifier, sql, type SqlFragment } from '../common/sql.ts';
import type { ClickHouseClient } from '../common/clickhouse.ts';

/** table name → highest stored offset, for one topic-partition. */
export type PartitionWatermarks = Map<string, number>;

export function watermarksSql(database: string, topic: string, partition: number): SqlFragment {
  const table = identifier(`${database}.ingest_watermarks`);
  return sql`SELECT table_name, max(max_offset) AS offset FROM ${table} WHERE topic = ${topic} AND partition = ${partition} GROUP BY table_name`;
}

export async function readWatermarks(
  client: ClickHouseClient,
  database: string,
  topic: string,
  partition: number,
): Promise<PartitionWatermarks> {
  const rs = await client.query({ query: watermarksSql(database, topic, partition).text, format: 'JSONEachRow' });
  const rows = await rs.json<{ table_name: string; offset: string | number }>();
  return new Map(rows.map((r) => [r.table_name, Number(r.offset)]));
}
