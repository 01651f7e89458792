/** Where a row came from in Kafka; stored with every raw row for exactly-once results. */
export interface KafkaSource {
  topic: string;
  partition: number;
  offset: number;
}

export function sourceColumns(src: KafkaSource) {
  return { kafka_topic: src.topic, kafka_partition: src.partition, kafka_offset: src.offset };
}

/** Rows for each table, by table name (without database). */
export type TableRows = Map<string, Record<string, unknown>[]>;
