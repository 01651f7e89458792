// Objects derived from the migrations rather than written in them, created (idempotently)
// on every migrate:
//   - one watermark view per raw table (a table declared with {kafka_columns}): the
//     highest Kafka offset stored per table and partition, filled by the same INSERT as
//     the rows (see 0002_ingest_watermarks.sql and clickhouse/watermarks.ts);
//   - on a cluster, `cluster_parts`: a Distributed table over system.parts, so retention
//     sees the partitions of every shard (clickhouse/retention.ts).
// Their names are the ones earlier releases wrote by hand, so databases migrated by
// those releases already have them and nothing is created twice.
import { stringLiteral } from '../common/sql.ts';
import { expandStatement } from './expand.ts';
import type { SchemaTarget } from './schema-target.ts';

export interface DerivedObject {
  /** Name in the database (what system.tables shows once it exists). */
  name: string;
  statements: string[];
}

export function watermarkViewName(table: string): string {
  return `${table}_watermark`;
}

export function watermarkView(table: string, target: SchemaTarget): DerivedObject {
  const name = watermarkViewName(table);
  const template = `CREATE MATERIALIZED VIEW IF NOT EXISTS {view:${name}} TO {local:ingest_watermarks} AS
SELECT ${stringLiteral(table)} AS table_name, kafka_topic AS topic, kafka_partition AS partition, max(kafka_offset) AS max_offset
FROM {local:${table}}
GROUP BY kafka_topic, kafka_partition`;
  return { name, statements: expandStatement(template, target) };
}

/** On a cluster: the parts of every shard (one replica each), for cluster-wide retention. */
export const CLUSTER_PARTS = 'cluster_parts';

export function clusterParts(target: SchemaTarget): DerivedObject[] {
  if (!target.cluster) return [];
  const template = `CREATE TABLE IF NOT EXISTS {db}.${CLUSTER_PARTS} {on_cluster} AS system.parts ENGINE = Distributed(${[
    target.cluster,
    'system',
    'parts',
  ]
    .map(stringLiteral)
    .join(', ')})`;
  return [{ name: CLUSTER_PARTS, statements: expandStatement(template, target) }];
}

export function derivedObjects(rawTables: readonly string[], target: SchemaTarget): DerivedObject[] {
  return [...rawTables.map((t) => watermarkView(t, target)), ...clusterParts(target)];
}
