// Retention drops whole old partitions, on ClickHouse 18.16 and on current ClickHouse.
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier } from '../common/sql.ts';
import { runOnCurrentClickHouse } from '../stack/chdb.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { applyRetention, dropPartitionSql, partitionsSql } from '../clickhouse/retention.ts';
import { infoRows } from '../stream/rows/info-rows.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const config = testConfig();
const db = config.clickhouse.database;
afterAll(() => dropDatabase(config));

const DAY = 86_400_000;

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
      const dropped = await applyRetention(ch, db, { defaultDays: 7, tables: { command_stats: 20 } }, now);
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
});
