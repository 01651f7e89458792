// Placeholders in migrations, expanded for a SchemaTarget (one server or a cluster,
// and the server's optional features). A migration is written once; this file is the
// only place that knows what a table looks like on a cluster. Pure.
//
// | placeholder       | one server             | cluster `c`                                                    |
// | ----------------- | ---------------------- | -------------------------------------------------------------- |
// | `{db}`            | `db`                   | `db`                                                           |
// | `{table:x}`       | `db`.`x`               | `db`.`x_local` ON CLUSTER `c`, and the same statement again for |
// |                   |                        | the Distributed table `db`.`x` that readers and writers use     |
// |                   |                        | (CREATE → `AS x_local ENGINE = Distributed(…)`; ALTER … COLUMN  |
// |                   |                        | → the same ALTER; DROP → dropped first)                        |
// | `{engine:E(a)}`   | `E(a)`                 | `ReplicatedE('/clickhouse/tables/{shard}/db/x_local', '{replica}', a)` |
// | `{view:v}`        | `db`.`v`               | `db`.`v` ON CLUSTER `c` (a materialized view, on every server)  |
// | `{local:x}`       | `db`.`x`               | `db`.`x_local`: what a materialized view reads from or writes to |
// | `{on_cluster}`    | (nothing)              | ON CLUSTER `c`                                                 |
// | `{kafka_columns}` | `kafka_topic String, kafka_partition UInt32, kafka_offset UInt64`: marks a raw table, |
// |                   | which gets a watermark view (derived.ts)                                          |
// | `{lc:T}`          | `T`                    | `LowCardinality(T)` on servers that have it (either mode)       |
// | `{codec:spec}`    | (nothing)              | `CODEC(spec)` on servers that have codecs (either mode)         |
// | `{shard_by:expr}` | (nothing)              | (nothing): the Distributed table's sharding key. Default:      |
// |                   |                        | `cityHash64(kafka_topic, kafka_partition)` for raw tables (a   |
// |                   |                        | partition's rows on one shard), `rand()` otherwise             |
//
// Two templates are written out before these placeholders (migrate.ts; the checksum covers
// their output): a `{rollup:name}` statement (or `{drop_rollup:name}`) stands for the tables
// and views of a rollup defined once in clickhouse/rollups.ts (rollup-template.ts), and a
// `-- granularities: 1s 1m 1h` line repeats statements with `{g}` per granularity
// (granularities.ts).
//
// Readers keep the plain names: on a cluster `db.x` is the Distributed table, so the API,
// dashboards and processors read and insert through it unchanged. Materialized views
// live beside the shard-local tables ({local:x}), so they fire on the replica that stores
// the rows.
import { identifier, stringLiteral } from '../common/sql.ts';
import type { SchemaTarget } from './schema-target.ts';

export class MigrationSyntaxError extends Error {
  override name = 'MigrationSyntaxError';
}

const PLACEHOLDER = /\{([a-z_]+)(?::([^{}]*))?\}/g;
const KAFKA_TYPES = { topic: 'String', partition: 'UInt32', offset: 'UInt64' };

/** Suffix of the shard-local table behind a Distributed table, on a cluster. */
export const LOCAL_SUFFIX = '_local';

/** The table a statement creates, alters or drops through `{table:x}`, if any. */
export function statementTable(template: string): string | undefined {
  const names = [...template.matchAll(/\{table:([^{}]*)\}/g)].map((m) => m[1]!.trim());
  if (names.length > 1) throw new MigrationSyntaxError(`more than one {table:…} in one statement: ${names.join(', ')}`);
  return names[0];
}

/** True for a CREATE TABLE with the Kafka columns: a raw table, written by the processor. */
export function isRawTableStatement(template: string): boolean {
  return /^\s*CREATE\s+TABLE\b/i.test(template) && template.includes('{kafka_columns}');
}

/** One migration statement → the statements to run on `target` (two for a table on a cluster). */
export function expandStatement(template: string, target: SchemaTarget): string[] {
  const table = statementTable(template);
  const cluster = target.cluster;
  const kind = /^\s*(CREATE|ALTER|DROP)\s+TABLE\b/i.exec(template)?.[1]?.toUpperCase();
  if (table !== undefined && kind === undefined)
    throw new MigrationSyntaxError(`{table:${table}} outside CREATE, ALTER or DROP TABLE: ${head(template)}`);
  const main = render(template, target, { distributed: false, table });
  if (!cluster || table === undefined) return [main];

  if (kind === 'CREATE') {
    const shardBy = /\{shard_by:([^{}]*)\}/.exec(template)?.[1]?.trim();
    const key =
      shardBy ?? (template.includes('{kafka_columns}') ? 'cityHash64(kafka_topic, kafka_partition)' : 'rand()');
    const engine = `Distributed(${[cluster, target.database, table + LOCAL_SUFFIX].map(stringLiteral).join(', ')}, ${key})`;
    const distributed = `CREATE TABLE IF NOT EXISTS ${name(target, table)}${onCluster(target)} AS ${name(target, table + LOCAL_SUFFIX)} ENGINE = ${engine}`;
    return [main, distributed];
  }
  if (kind === 'DROP') return [render(template, target, { distributed: true, table }), main];
  // ALTER: columns change on both tables; partitions and settings only exist on the local one.
  // 18.16 refuses ALTER … ON CLUSTER on a Distributed table of a replicated cluster (code 371),
  // so the Distributed table, which holds no data (inserts are synchronous), is made again
  // from the local one by migrate.ts.
  if (/\b(ADD|DROP|MODIFY|CLEAR|COMMENT|RENAME)\s+COLUMN\b/i.test(template))
    return [main, `${RECREATE_DISTRIBUTED} ${name(target, table)}`];
  return [main];
}

/** Not SQL: tells migrate.ts to drop and create a Distributed table again over its (altered) local table. */
export const RECREATE_DISTRIBUTED = '-- redscope: recreate Distributed';

function render(template: string, target: SchemaTarget, at: { distributed: boolean; table?: string }): string {
  const cluster = target.cluster;
  return template.replace(PLACEHOLDER, (_whole, key: string, arg: string | undefined) => {
    const a = arg?.trim() ?? '';
    switch (key) {
      case 'db':
        return identifier(target.database).text;
      case 'table':
        return `${name(target, at.distributed || !cluster ? a : a + LOCAL_SUFFIX)}${onCluster(target)}`;
      case 'view':
        return `${name(target, a)}${onCluster(target)}`;
      case 'local':
        return name(target, cluster ? a + LOCAL_SUFFIX : a);
      case 'on_cluster':
        return onCluster(target);
      case 'engine':
        return engine(a, target, at.table);
      case 'kafka_columns':
        return `kafka_topic ${lowCardinality(KAFKA_TYPES.topic, target)},\n    kafka_partition ${KAFKA_TYPES.partition},\n    kafka_offset ${KAFKA_TYPES.offset}${codec('Delta, ZSTD', target)}`;
      case 'lc':
        return lowCardinality(a, target);
      case 'codec':
        return codec(a, target);
      case 'shard_by':
        return '';
      default:
        throw new MigrationSyntaxError(`unknown placeholder {${key}${arg === undefined ? '' : `:${arg}`}}`);
    }
  });
}

function name(target: SchemaTarget, table: string): string {
  return identifier(`${target.database}.${table}`).text;
}

function onCluster(target: SchemaTarget): string {
  return target.cluster ? ` ON CLUSTER ${identifier(target.cluster).text}` : '';
}

function lowCardinality(type: string, target: SchemaTarget): string {
  return target.features.lowCardinality ? `LowCardinality(${type})` : type;
}

function codec(spec: string, target: SchemaTarget): string {
  return target.features.codecs ? ` CODEC(${spec})` : '';
}

function engine(spec: string, target: SchemaTarget, table: string | undefined): string {
  const m = /^(\w*MergeTree)\s*(?:\(([\s\S]*)\))?$/.exec(spec);
  if (!m || !target.cluster) return spec;
  if (table === undefined) throw new MigrationSyntaxError(`{engine:${spec}} needs a {table:…} in the same statement`);
  // One replica set per shard: the path names the shard (a macro each server defines) and
  // the table; the replica macro tells the servers of a shard apart.
  const path = stringLiteral(`/clickhouse/tables/{shard}/${target.database}/${table}${LOCAL_SUFFIX}`);
  const args = [path, stringLiteral('{replica}'), ...(m[2]?.trim() ? [m[2].trim()] : [])];
  return `Replicated${m[1]}(${args.join(', ')})`;
}

function head(sql: string): string {
  return sql.replace(/\s+/g, ' ').slice(0, 100);
}
