// The keyspace and hot-keys contracts, row builders and migration 0007 agree, and the
// tables plus the queries a dashboard would run work on ClickHouse 18.16 and on current
// ClickHouse (chDB).
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier, sql } from '../common/sql.ts';
import { TOPICS, type HotKeysV1, type KeyspaceScanV1 } from '../contracts/index.ts';
import { runOnCurrentClickHouse } from '../stack/chdb.ts';
import { expandMigrations, loadMigrations, migrate, schemaStatements, singleServer } from '../clickhouse/migrate.ts';
import { handlerFor } from '../stream/handlers.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';

const config = testConfig();
const db = config.clickhouse.database;
afterAll(() => dropDatabase(config));

const TS = 1_795_600_000_000;
const instance = { id: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, cluster: 'schema', nodeId: 'a'.repeat(40) };
const histogram = { none: 7, lt1m: 0, lt1h: 1, lt1d: 1, lt7d: 1, ge7d: 0 };

function scanFixture(i: number): KeyspaceScanV1 {
  return {
    v: 1,
    kind: 'keyspace',
    ts: TS + i * 21_600_000,
    instance,
    scannedOn: { id: '10.0.0.2:7003', role: 'replica' },
    collector: 'fixture',
    patterns: [
      {
        pattern: 'user:*:cart',
        type: 'hash',
        keys: 10,
        bytes: 10_000 + i,
        elements: 1000,
        noTtl: 7,
        ttlHistogram: histogram,
        maxBytes: 2000,
        exampleKey: 'user:1:cart',
      },
      {
        pattern: '(other)',
        type: 'mixed',
        keys: 3,
        bytes: 30,
        elements: 3,
        noTtl: 3,
        ttlHistogram: { ...histogram, none: 3, lt1h: 0, lt1d: 0, lt7d: 0 },
        maxBytes: 10,
        exampleKey: 'x',
      },
    ],
    topKeysByBytes: [{ key: 'user:1:cart', pattern: 'user:*:cart', type: 'hash', bytes: 2000, length: 100, ttlMs: -1 }],
    topKeysByLength: [
      { key: 'user:1:cart', pattern: 'user:*:cart', type: 'hash', bytes: 2000, length: 100, ttlMs: 5000 },
    ],
    stats: {
      keysScanned: 13,
      dbsizeAtStart: 13,
      vanished: 0,
      durationMs: 12,
      pausedMs: 0,
      mode: 'lua',
      batches: 1,
      probeBaselineUs: 90,
      probeMaxUs: 120,
      keysPerSecond: 100_000,
      ttlRead: true,
    },
  };
}

function hotFixture(i: number): HotKeysV1 {
  return {
    v: 1,
    kind: 'hotkeys',
    ts: TS + i * 300_000,
    instance,
    observedOn: instance.id,
    collector: 'fixture',
    method: i % 2 ? 'monitor' : 'hotkeys',
    windowMs: 1000,
    keys: [
      { key: 'user:1', pattern: 'user:*', metric: 'cpu-us', score: 900 },
      { key: 'user:2', pattern: 'user:*', metric: 'cpu-us', score: 100 },
      { key: 'user:1', pattern: 'user:*', metric: 'net-bytes', score: 4000 },
    ],
    slots: [{ slot: 12426, keyCount: 45, cpuUs: 1200 }],
    ...(i % 2 ? { commandsSeen: 10, bytesSeen: 900, truncated: false } : {}),
  };
}

const FIXTURES = [
  { topic: TOPICS.keyspace, build: scanFixture },
  { topic: TOPICS.hotkeys, build: hotFixture },
];

/** Rows of 3 messages of each fixture, by table. */
function fixtureRows(): Map<string, Record<string, unknown>[]> {
  const all = new Map<string, Record<string, unknown>[]>();
  for (const { topic, build } of FIXTURES) {
    const handler = handlerFor(topic)!;
    for (let i = 0; i < 3; i++) {
      const valid = handler.validate(build(i));
      expect(valid.ok ? 'valid' : valid.reason, topic).toBe('valid');
      for (const [table, rows] of handler.toRows(build(i), { topic, partition: 0, offset: 100 + i }))
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
