import type { RawTable, RowOf } from './schemas.ts';

/** Where a row came from in Kafka; stored with every raw row for exactly-once results. */
export interface KafkaSource {
  topic: string;
  partition: number;
  offset: number;
}

export function sourceColumns(src: KafkaSource) {
  return { kafka_topic: src.topic, kafka_partition: src.partition, kafka_offset: src.offset };
}

/** Rows for each table, by table name (without database). Past the builders, rows are opaque. */
export type TableRows = Map<string, Record<string, unknown>[]>;

/** What a rows builder returns: each table's rows typed by that table's row schema (schemas.ts). */
export type TypedTableRows = { [T in RawTable]?: RowOf<T>[] };

/** A builder's rows as the processor gathers them (a misspelled table or a wrong row type fails tsc). */
export function tableRows(rows: TypedTableRows): TableRows {
  const out: TableRows = new Map();
  for (const table in rows) out.set(table, rows[table as RawTable]!);
  return out;
}
