// The keyspace and hot-keys contracts, row builders and migration 0007 agree, and the
// tables plus the queries a dashboard would run work on ClickHouse 18.16 and on current
// ClickHouse (chDB).
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier, sql } from '../common/sql.ts';
import { TOPICS } from '../contracts/index.ts';
import { runOnCurrentClickHouse } from '../stack/chdb.ts';
import { expandMigrations, loadMigrations, migrate, schemaStatements, singleServer } from '../clickhouse/migrate.ts';
import { handlerFor } from '../stream/handlers.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';
import { hotkeysFixture, keyspaceFixture } from './support/sample-fixtures.ts';

const config = testConfig();
const db = config.clickhouse.database;
afterAll(() => dropDatabase(config));

const FIXTURES = [
  { topic: TOPICS.keyspace, build: keyspaceFixture },
  { topic: TOPICS.hotkeys, build: hotkeysFixture },
];

/** Rows of 3 messages of each fixture, by table. */
function fixtureRows(): Map<string, Record<string, unknown>[]> {
  const all = new Map<string, Record<string, unknown>[]>();
  for (const { topic, build } of FIXTURES) {
    const handler = handlerFor(topic)!;
    for (let i = 0; i < 3; i++) {
      const valid = handler.validate(build('schema', i));
      expect(valid.ok ? 'valid' : valid.reason, topic).toBe('valid');
      for (const [table, rows] of handler.toRows(build('schema', i), { topic, partition: 0, offset: 100 + i }))
        all.set(table, [...(all.get(table) ?? []), ...rows]);
    }
  }
  return all;
}

function inserts(database: string): string[] {
  return [...fixtureRows()].map(
    ([table, rows]) =>
      `INSERT INTO ${identifier(`${database}.${table}`).text} FORMAT JSONEachRow ${rows.map((r) => JSON.stringify(r)).join(' ')}`,
  );
}

/** What a dashboard asks: the latest scan's patterns by keys without TTL, the big keys, the hottest keys and slots. */
function queries(database: string): string[] {
  const t = (name: string) => identifier(`${database}.${name}`);
  return [
    sql`SELECT pattern, sum(no_ttl) AS no_ttl, sum(bytes) AS bytes FROM ${t('key_patterns')}
        WHERE (instance, ts) IN (SELECT instance, max(ts) FROM ${t('key_patterns')} GROUP BY instance)
        GROUP BY pattern ORDER BY no_ttl DESC LIMIT 20`.text,
    sql`SELECT key, any(pattern) AS pattern, max(bytes) AS bytes FROM ${t('big_keys')} WHERE ranking = ${'bytes'} GROUP BY key ORDER BY bytes DESC LIMIT 10`
      .text,
    sql`SELECT pattern, sum(score) AS score FROM ${t('hot_keys')} WHERE metric = ${'cpu-us'} GROUP BY pattern ORDER BY score DESC`
      .text,
    sql`SELECT slot, max(slot_cpu_us) AS cpu FROM ${t('hot_keys')} WHERE metric = ${'slot'} GROUP BY slot ORDER BY cpu DESC`
      .text,
    sql`SELECT table_name, max(max_offset) AS offset FROM ${t('ingest_watermarks')} WHERE table_name IN ('key_patterns', 'big_keys', 'hot_keys') GROUP BY table_name ORDER BY table_name`
      .text,
  ];
}

describe('keyspace and hot-keys storage', () => {
  it('every row has exactly the columns of its table in migration 0007', () => {
    const columns = new Map<string, string[]>();
    for (const statement of expandMigrations(singleServer('x')).find((m) => m.version === 7)!.statements) {
      const create = /^CREATE TABLE IF NOT EXISTS `x`\.`(\w+)`\s*\(([\s\S]*?)\)\s*ENGINE/.exec(statement);
      if (create)
        columns.set(
          create[1]!,
          [...create[2]!.matchAll(/^\s*(\w+) [A-Z]/gm)].map((c) => c[1]!),
        );
    }
    const rows = fixtureRows();
    expect([...rows.keys()].sort()).toEqual(['big_keys', 'hot_keys', 'key_patterns']);
    for (const [table, list] of rows)
      for (const row of list) expect(Object.keys(row).sort(), table).toEqual([...columns.get(table)!].sort());
  });

  it('stores and answers the dashboard queries on ClickHouse 18.16', async () => {
    const ch = createClickHouse(config.clickhouse);
    try {
      await migrate(ch, db);
      for (const statement of inserts(db)) await ch.command({ query: statement });
      const results: unknown[][] = [];
      for (const q of queries(db)) results.push(await (await ch.query({ query: q, format: 'JSONEachRow' })).json());
      expect(results[0]).toEqual([
        { pattern: 'user:*:cart', no_ttl: '7', bytes: '10002' },
        { pattern: '(other)', no_ttl: '3', bytes: '30' },
      ]);
      expect(results[2]).toEqual([{ pattern: 'user:*', score: 3000 }]);
      expect(results[4]).toEqual([
        { table_name: 'big_keys', offset: '102' },
        { table_name: 'hot_keys', offset: '102' },
        { table_name: 'key_patterns', offset: '102' },
      ]);
    } finally {
      await ch.close();
    }
  });

  it('runs the same migration, inserts and queries on current ClickHouse (chDB)', async () => {
    const migrations = loadMigrations().filter((m) => m.version === 2 || m.version === 7);
    const run = await runOnCurrentClickHouse([
      'CREATE DATABASE ks',
      ...schemaStatements(singleServer('ks'), migrations),
      ...inserts('ks'),
      ...queries('ks'),
    ]);
    const failures = run.results.filter((r) => !r.ok).map((r) => `${r.sql.slice(0, 120)} → ${r.error?.slice(0, 300)}`);
    expect(failures, failures.join('\n')).toEqual([]);
    expect(run.results.at(-1)!.output).toBe('big_keys\t102\nhot_keys\t102\nkey_patterns\t102\n');
  });
});
