// Retention drops whole old partitions, on ClickHouse 18.16 and on current ClickHouse.
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier } from '../common/sql.ts';
import { runOnCurrentClickHouse } from '../stack/chdb.ts';
import { migrate, schemaStatements, singleServer } from '../clickhouse/migrate.ts';
import { featuresOf } from '../clickhouse/schema-target.ts';
import {
  applyRetention,
  datedTablesSql,
  dropPartitionSql,
  partitionsSql,
  ttlStatements,
  type DatedTable,
} from '../clickhouse/retention.ts';
import { infoRows } from '../stream/rows/info-rows.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const config = testConfig();
const db = config.clickhouse.database;
afterAll(() => dropDatabase(config));

const DAY = 86_400_000;

/** datedTablesSql's TSV output. */
function datedTables(tsv: string): DatedTable[] {
  return tsv
    .trim()
    .split('\n')
    .map((line) => {
      const [name, partitionKey, engineFull] = line.split('\t');
      return { name: name!, partitionKey: partitionKey!, engineFull: engineFull! };
    });
}

describe('retention', () => {
  it('drops partitions older than the retention and keeps recent ones (ClickHouse 18.16)', async () => {
    const ch = createClickHouse(config.clickhouse);
    try {
      await migrate(ch, db);
      const now = Date.now();
      const rows = [now - 30 * DAY, now - 10 * DAY, now].map(
        (ts, i) =>
          infoRows({ ...syntheticInfo('retention', i), ts }, { topic: 't', partition: 0, offset: i }).get(
            'info_samples',
          )![0]!,
      );
      await ch.insert({ table: identifier(`${db}.info_samples`).text, values: rows, format: 'JSONEachRow' });
      const dropped = await applyRetention(ch, db, { defaultDays: 7, tables: { command_stats: 20 } }, { nowMs: now });
      expect(dropped.filter((p) => p.table === 'info_samples')).toHaveLength(2);
      expect(dropped.filter((p) => p.table === 'command_stats')).toHaveLength(1); // only the 30-day-old one
      const left = await (
        await ch.query({ query: `SELECT count() AS n FROM ${db}.info_samples`, format: 'JSONEachRow' })
      ).json<{ n: string }>();
      expect(Number(left[0]!.n)).toBe(1);
      const commands = await (
        await ch.query({ query: `SELECT count() AS n FROM ${db}.command_stats`, format: 'JSONEachRow' })
      ).json<{ n: string }>();
      expect(Number(commands[0]!.n)).toBe(4); // two samples × two commands
    } finally {
      await ch.close();
    }
  });

  it('the partition listing and DROP PARTITION run on current ClickHouse (chDB)', async () => {
    const run = await runOnCurrentClickHouse([
      'CREATE DATABASE IF NOT EXISTS rdb',
      'CREATE TABLE rdb.t (ts DateTime, x UInt8) ENGINE = MergeTree PARTITION BY toYYYYMMDD(ts) ORDER BY ts',
      "INSERT INTO rdb.t VALUES ('2020-01-01 00:00:00', 1), ('2030-01-01 00:00:00', 2)",
      partitionsSql('rdb').text,
      dropPartitionSql('rdb', { table: 't', partition: '20200101' }).text,
      'SELECT sum(x) FROM rdb.t',
    ]);
    expect(run.results.filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
    expect(run.results[3]!.output).toContain('20200101');
    expect(run.results.at(-1)!.output?.trim()).toBe('2');
  });

  it('on current ClickHouse (chDB) every dated table gets a TTL of its retention that drops whole parts', async () => {
    const schema = ['CREATE DATABASE ttl', ...schemaStatements(singleServer('ttl', featuresOf('26.9')))];
    const listed = await runOnCurrentClickHouse([...schema, datedTablesSql('ttl').text]);
    const tables = datedTables(listed.results.at(-1)!.output!);
    expect(tables.map((t) => t.name)).toContain('info_samples');
    const policy = { defaultDays: 7, tables: { alerts: 400 } };
    const ttl = ttlStatements('ttl', tables, policy);
    expect(ttl).toContain('ALTER TABLE `ttl`.`info_samples` MODIFY TTL ts + toIntervalDay(7)');
    expect(ttl).toContain('ALTER TABLE `ttl`.`command_histograms_1h` MODIFY TTL bucket + toIntervalDay(7)');
    const run = await runOnCurrentClickHouse([
      ...schema,
      'SET materialize_ttl_after_modify = 0',
      ...ttl,
      "SELECT count() FROM system.tables WHERE database = 'ttl' AND engine_full LIKE '%TTL%ttl_only_drop_parts = 1%'",
      datedTablesSql('ttl').text,
    ]);
    expect(run.results.filter((r) => !r.ok).map((r) => `${r.sql} → ${r.error}`)).toEqual([]);
    expect(Number(run.results.at(-2)!.output)).toBe(tables.length);
    // Applied once, nothing is left to change.
    const after = datedTables(run.results.at(-1)!.output!);
    expect(ttlStatements('ttl', after, policy)).toEqual([]);
  });
});
