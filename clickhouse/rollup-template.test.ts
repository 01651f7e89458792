import { describe, expect, it } from 'vitest';
import { MigrationSyntaxError } from './expand.ts';
import { createRollup, dropRollup, expandRollups, type Rollup, rollupsNamed } from './rollup-template.ts';
import { loadMigrations } from './migrate.ts';

const latency: Rollup = {
  name: 'lat',
  source: 'samples',
  keys: [{ name: 'cluster', type: '{lc:String}' }, { name: 'instance', type: 'String' }, 'bucket'],
  granularities: ['1m', '1h'],
  perCluster: true,
  columns: [
    { name: 'calls', fn: 'sum', args: ['calls_delta'], types: ['UInt64'] },
    { name: 'q', fn: 'quantilesTDigest(0.5, 0.99)', args: ['usec / calls'], types: ['Float64'] },
    { name: 'n', fn: 'count', args: [], types: [] },
  ],
  arrayJoin: 'names AS name',
  where: 'calls_delta > 0',
  indexGranularity: 1024,
};

describe('rollup templates', () => {
  it('write a table and its view per granularity, per instance then per cluster', () => {
    const statements = createRollup(latency);
    expect(statements.map((s) => /\{(?:table|view):(\w+)\}/.exec(s)?.[1])).toEqual([
      'lat_1m',
      'lat_1m_mv',
      'lat_cluster_1m',
      'lat_cluster_1m_mv',
      'lat_1h',
      'lat_1h_mv',
      'lat_cluster_1h',
      'lat_cluster_1h_mv',
    ]);
    expect(statements[0]).toBe(`CREATE TABLE IF NOT EXISTS {table:lat_1m}
(
    cluster {lc:String},
    instance String,
    bucket DateTime,
    calls AggregateFunction(sum, UInt64),
    q AggregateFunction(quantilesTDigest(0.5, 0.99), Float64),
    n AggregateFunction(count)
)
ENGINE = {engine:AggregatingMergeTree}
PARTITION BY toYYYYMMDD(bucket)
ORDER BY (cluster, instance, bucket)
SETTINGS index_granularity = 1024`);
    expect(statements[1]).toBe(`CREATE MATERIALIZED VIEW IF NOT EXISTS {view:lat_1m_mv} TO {local:lat_1m} AS
SELECT cluster, instance, toStartOfMinute(ts) AS bucket,
    sumState(calls_delta) AS calls,
    quantilesTDigestState(0.5, 0.99)(usec / calls) AS q,
    countState() AS n
FROM {local:samples}
ARRAY JOIN names AS name
WHERE calls_delta > 0
GROUP BY cluster, instance, bucket`);
  });

  it('leave the instance key out of the per-cluster table and use each granularity’s functions', () => {
    const [, , table, view, hourTable, hourView] = createRollup(latency);
    expect(table).toContain('ORDER BY (cluster, bucket)');
    expect(table).not.toContain('instance');
    expect(view).toContain('SELECT cluster, toStartOfMinute(ts) AS bucket,');
    expect(view).toContain('GROUP BY cluster, bucket');
    expect(hourTable).toContain('PARTITION BY toYYYYMM(bucket)');
    expect(hourView).toContain('toStartOfHour(ts) AS bucket');
  });

  it('write one table without a bucket for a rollup without granularities', () => {
    const latest: Rollup = { ...latency, name: 'latest', keys: latency.keys.slice(0, 2), granularities: [] };
    delete latest.perCluster;
    const [table, view] = createRollup(latest);
    expect(table).toContain('{table:latest}');
    expect(table).not.toContain('PARTITION BY');
    expect(table).toContain('ORDER BY (cluster, instance)');
    expect(view).toContain('GROUP BY cluster, instance');
  });

  it('drop every view before any table', () => {
    expect(dropRollup(latency)).toEqual([
      'DROP TABLE IF EXISTS {view:lat_1m_mv}',
      'DROP TABLE IF EXISTS {view:lat_cluster_1m_mv}',
      'DROP TABLE IF EXISTS {view:lat_1h_mv}',
      'DROP TABLE IF EXISTS {view:lat_cluster_1h_mv}',
      'DROP TABLE IF EXISTS {table:lat_1m}',
      'DROP TABLE IF EXISTS {table:lat_cluster_1m}',
      'DROP TABLE IF EXISTS {table:lat_1h}',
      'DROP TABLE IF EXISTS {table:lat_cluster_1h}',
    ]);
  });

  it('replace {rollup:…} statements of a migration and leave the others', () => {
    const other = 'ALTER TABLE {table:x} ADD COLUMN y UInt8';
    expect(expandRollups([other, '{rollup:lat}', ' {drop_rollup: lat} '], { lat: latency })).toEqual([
      other,
      ...createRollup(latency),
      ...dropRollup(latency),
    ]);
  });

  it('refuse what they cannot write', () => {
    expect(() => expandRollups(['{rollup:nope}'], { lat: latency })).toThrow(/unknown rollup nope/);
    expect(() => expandRollups(['SELECT 1; {rollup:lat}'], { lat: latency })).toThrow(/statement of its own/);
    expect(() => createRollup({ ...latency, granularities: [] })).toThrow(MigrationSyntaxError);
    expect(() => createRollup({ ...latency, keys: [{ name: 'cluster', type: 'String' }, 'bucket'] })).toThrow(
      /perCluster needs an instance key/,
    );
    expect(() => createRollup({ ...latency, keys: latency.keys.slice(0, 2) })).toThrow(/need a bucket key/);
  });

  it('are named by the migrations that use them, so an edited definition is traced to them', () => {
    expect(rollupsNamed(['{rollup:a}', 'SELECT 1', '{drop_rollup:b}', '{rollup:a}'])).toEqual(['a', 'b']);
    const byVersion = new Map(loadMigrations().map((m) => [m.version, m.rollups]));
    expect(byVersion.get(11)).toEqual(['command_latency', 'instance_inventory']);
    expect(byVersion.get(30)).toEqual(['command_latency']);
    expect(byVersion.get(60)).toEqual(['info', 'topology', 'ping', 'clients']);
    expect(byVersion.get(1)).toEqual([]);
  });
});
