// Highest Kafka offset already stored, per raw table and partition (see migrations/0002).
import { identifier, sql } from '../../common/sql.ts';
import type { ClickHouseClient } from '../../common/clickhouse.ts';

/** table name → highest stored offset, for one topic-partition. */
export type PartitionWatermarks = Map<string, number>;

export async function readWatermarks(client: ClickHouseClient, database: string, topic: string, partition: number): Promise<PartitionWatermarks> {
  const table = identifier(`${database}.ingest_watermarks`);
  const rs = await client.query({
    query: sql`SELECT table_name, max(max_offset) AS offset FROM ${table} WHERE topic = ${topic} AND partition = ${partition} GROUP BY table_name`.text,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ table_name: string; offset: string | number }>();
  return new Map(rows.map((r) => [r.table_name, Number(r.offset)]));
}
