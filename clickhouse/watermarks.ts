// Highest Kafka offset already stored, per raw table and partition (see
// 0002_ingest_watermarks.sql and derived.ts). On a cluster they are read from every
// server (every-server.ts) and the highest wins, so a replica still catching up cannot
// make stored rows look unstored.
import { sql, type SqlFragment } from '../common/sql.ts';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { EveryServer, type ServerSet } from './every-server.ts';

/** table name → highest stored offset, for one topic-partition. */
export type PartitionWatermarks = Map<string, number>;

/** `from`: the watermark table (ingest_watermarks, or remote(…) over every server's local one). */
export function watermarksSql(from: SqlFragment, topic: string, partition: number): SqlFragment {
  return sql`SELECT table_name, max(max_offset) AS offset FROM ${from} WHERE topic = ${topic} AND partition = ${partition} GROUP BY table_name`;
}

/** Highest stored offset of one table per partition of `topic`; `partitions` is not empty. */
export function tableWatermarksSql(
  from: SqlFragment,
  table: string,
  topic: string,
  partitions: readonly number[],
): SqlFragment {
  return sql`SELECT partition, max(max_offset) AS offset FROM ${from} WHERE table_name = ${table} AND topic = ${topic} AND has(${partitions}, partition) GROUP BY partition`;
}

export class Watermarks {
  private readonly servers: EveryServer;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    servers: ServerSet = { cluster: null, username: '', password: '' },
  ) {
    this.servers = new EveryServer(client, servers);
  }

  /** Every table's watermark for one partition. */
  async partition(topic: string, partition: number): Promise<PartitionWatermarks> {
    const from = await this.servers.from(this.database, 'ingest_watermarks');
    const rs = await this.client.query({
      query: watermarksSql(from, topic, partition).text,
      format: 'JSONEachRow',
      clickhouse_settings: this.servers.settings(),
    });
    const rows = await rs.json<{ table_name: string; offset: string | number }>();
    return new Map(rows.map((r) => [r.table_name, Number(r.offset)]));
  }

  /** partition → highest stored offset of `table`. */
  async table(table: string, topic: string, partitions: readonly number[]): Promise<Map<number, number>> {
    if (partitions.length === 0) return new Map();
    const from = await this.servers.from(this.database, 'ingest_watermarks');
    const rs = await this.client.query({
      query: tableWatermarksSql(from, table, topic, partitions).text,
      format: 'JSONEachRow',
      clickhouse_settings: this.servers.settings(),
    });
    const rows = await rs.json<{ partition: number | string; offset: string | number }>();
    return new Map(rows.map((r) => [Number(r.partition), Number(r.offset)]));
  }
}
