import { describe, expect, it } from 'vitest';
import { expandStatement, MigrationSyntaxError } from './expand.ts';
import { BASE_FEATURES, featuresOf, type SchemaTarget } from './schema-target.ts';

const one: SchemaTarget = { database: 'rs', cluster: null, features: BASE_FEATURES };
const modern = featuresOf('24.8.1.1');
const cluster: SchemaTarget = { database: 'rs', cluster: 'fleet', features: BASE_FEATURES };

const raw = `CREATE TABLE IF NOT EXISTS {table:t} (ts DateTime {codec:DoubleDelta}, cluster {lc:String}, {kafka_columns})
ENGINE = {engine:MergeTree} PARTITION BY toYYYYMMDD(ts) ORDER BY (cluster, ts)`;

describe('migration placeholders', () => {
  it('expand to plain 18.16 SQL on one server', () => {
    expect(expandStatement(raw, one)).toEqual([
      `CREATE TABLE IF NOT EXISTS \`rs\`.\`t\` (ts DateTime , cluster String, kafka_topic String,
    kafka_partition UInt32,
    kafka_offset UInt64)
ENGINE = MergeTree PARTITION BY toYYYYMMDD(ts) ORDER BY (cluster, ts)`,
    ]);
  });

  it('use LowCardinality and codecs where the server has them', () => {
    const [s] = expandStatement(raw, { ...one, features: modern });
    expect(s).toContain('ts DateTime  CODEC(DoubleDelta)');
    expect(s).toContain('cluster LowCardinality(String)');
    expect(s).toContain('kafka_topic LowCardinality(String)');
    expect(s).toContain('kafka_offset UInt64 CODEC(Delta, ZSTD)');
    expect(featuresOf('18.16.1')).toEqual(BASE_FEATURES);
    expect(featuresOf('20.2.1')).toEqual(BASE_FEATURES);
    expect(featuresOf('26.9.2.1')).toEqual({ lowCardinality: true, codecs: true, ttl: true });
  });

  it('make a replicated shard-local table and a Distributed table on a cluster', () => {
    const [local, distributed] = expandStatement(raw, cluster);
    expect(local).toMatch(/^CREATE TABLE IF NOT EXISTS `rs`\.`t_local` ON CLUSTER `fleet` \(/);
    expect(local).toContain("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/rs/t_local', '{replica}')");
    expect(distributed).toBe(
      "CREATE TABLE IF NOT EXISTS `rs`.`t` ON CLUSTER `fleet` AS `rs`.`t_local` ENGINE = Distributed('fleet', 'rs', 't_local', cityHash64(kafka_topic, kafka_partition))",
    );
  });

  it('keep engine arguments after the replication path, and honour {shard_by}', () => {
    const [local, distributed] = expandStatement(
      'CREATE TABLE IF NOT EXISTS {table:s} (k String, v UInt64) ENGINE = {engine:ReplacingMergeTree(v)} ORDER BY k {shard_by:cityHash64(k)}',
      cluster,
    );
    expect(local).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/rs/s_local', '{replica}', v) ORDER BY k ",
    );
    expect(distributed).toMatch(/Distributed\('fleet', 'rs', 's_local', cityHash64\(k\)\)$/);
    expect(
      expandStatement(
        'CREATE TABLE IF NOT EXISTS {table:s} (k String) ENGINE = {engine:MergeTree} ORDER BY k',
        cluster,
      )[1],
    ).toMatch(/, rand\(\)\)$/);
  });

  it('point materialized views at the shard-local tables', () => {
    const mv = 'CREATE MATERIALIZED VIEW IF NOT EXISTS {view:v} TO {local:dst} AS SELECT a FROM {local:src}';
    expect(expandStatement(mv, one)).toEqual([
      'CREATE MATERIALIZED VIEW IF NOT EXISTS `rs`.`v` TO `rs`.`dst` AS SELECT a FROM `rs`.`src`',
    ]);
    expect(expandStatement(mv, cluster)).toEqual([
      'CREATE MATERIALIZED VIEW IF NOT EXISTS `rs`.`v` ON CLUSTER `fleet` TO `rs`.`dst_local` AS SELECT a FROM `rs`.`src_local`',
    ]);
  });

  it('alter columns on both tables of a cluster, partitions only on the local one; drop the Distributed table first', () => {
    expect(expandStatement('ALTER TABLE {table:t} ADD COLUMN x UInt8', cluster)).toEqual([
      'ALTER TABLE `rs`.`t_local` ON CLUSTER `fleet` ADD COLUMN x UInt8',
      '-- redscope: recreate Distributed `rs`.`t`',
    ]);
    expect(expandStatement('ALTER TABLE {table:t} DROP PARTITION 20260101', cluster)).toHaveLength(1);
    expect(expandStatement('DROP TABLE IF EXISTS {table:t}', cluster)).toEqual([
      'DROP TABLE IF EXISTS `rs`.`t` ON CLUSTER `fleet`',
      'DROP TABLE IF EXISTS `rs`.`t_local` ON CLUSTER `fleet`',
    ]);
  });

  it('refuse unknown placeholders and misplaced ones, naming them', () => {
    expect(() => expandStatement('SELECT {tabel:x}', one)).toThrow(/unknown placeholder \{tabel:x\}/);
    expect(() => expandStatement('SELECT * FROM {table:x}', one)).toThrow(MigrationSyntaxError);
    expect(() => expandStatement('CREATE TABLE {table:a} AS {table:b}', one)).toThrow(/more than one/);
  });
});
