// The samplers' contracts, row builders and migrations agree with each other, and the tables
// and the queries the API and detectors will run work on ClickHouse 18.16 and on
// current ClickHouse (chDB).
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier } from '../common/sql.ts';
import { runOnCurrentClickHouse } from '../stack/chdb.ts';
import { expandMigrations, loadMigrations, migrate, schemaStatements, singleServer } from '../clickhouse/migrate.ts';
import { handlerFor } from '../stream/handlers.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';
import { SAMPLE_FIXTURES } from './support/sample-fixtures.ts';

const config = testConfig();
const db = config.clickhouse.database;
afterAll(() => dropDatabase(config));

const SAMPLE_MIGRATIONS = [3, 4, 5, 6];

/** Columns of each table created by a migration, in order. */
function migrationColumns(): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const m of expandMigrations(singleServer('x'))) {
    for (const statement of m.statements) {
      const create = /^CREATE TABLE IF NOT EXISTS `x`\.`(\w+)`\s*\(([\s\S]*?)\)\s*ENGINE/.exec(statement);
      if (!create) continue;
      tables.set(
        create[1]!,
        [...create[2]!.matchAll(/^\s*(\w+) [A-Z]/gm)].map((c) => c[1]!),
      );
    }
  }
  return tables;
}

/** Rows of every stage-2 fixture (3 messages each), by table. */
function fixtureRows(): Map<string, Record<string, unknown>[]> {
  const all = new Map<string, Record<string, unknown>[]>();
  for (const { topic, build } of SAMPLE_FIXTURES) {
    const handler = handlerFor(topic)!;
    for (let i = 0; i < 3; i++) {
      const message = build('schema', i);
      const valid = handler.validate(message);
      expect(valid.ok ? 'valid' : valid.reason, topic).toBe('valid');
      for (const [table, rows] of handler.toRows(message, { topic, partition: 0, offset: i })) {
        if (!all.has(table)) all.set(table, []);
        all.get(table)!.push(...rows);
      }
    }
  }
  return all;
}

const inserts = (database: string) =>
  [...fixtureRows()]
    .filter(([, rows]) => rows.length > 0)
    .map(
      ([table, rows]) =>
        `INSERT INTO ${identifier(`${database}.${table}`).text} FORMAT JSONEachRow ${rows.map((r) => JSON.stringify(r)).join(' ')}`,
    );

/** The queries later stages depend on, one per table design choice. */
const queries = (database: string) => {
  const t = (name: string) => identifier(`${database}.${name}`).text;
  return [
    // A window's latency distribution from fixed-bound histograms.
    `SELECT instance, sumMap(bucket_le_us, bucket_counts) AS hist FROM ${t('latency_probes')} GROUP BY instance`,
    // An observer's full view at a time T: its latest stored node list at or before T.
    `SELECT node_id, role, arrayJoin(arrayMap((a, b) -> concat(toString(a), '-', toString(b)), slot_starts, slot_ends)) AS range FROM ${t('topology_nodes')}
     WHERE cluster = 'schema' AND instance = '10.0.0.1:7000' AND ts_ms = (SELECT max(ts_ms) FROM ${t('topology_nodes')} WHERE cluster = 'schema' AND instance = '10.0.0.1:7000' AND ts <= toDateTime(1895600000))`,
    `SELECT kind, node_id, from_value, to_value, slot_start, slot_end, uniqExact(instance) AS observers FROM ${t('topology_changes')} WHERE cluster = 'schema' GROUP BY kind, node_id, from_value, to_value, slot_start, slot_end`,
    `SELECT instance, command, args, duration_us FROM ${t('slowlog')} WHERE cluster = 'schema' AND ts >= toDateTime(1795600000) ORDER BY duration_us DESC LIMIT 10`,
    `SELECT by_name_keys, by_name_counts FROM ${t('client_summaries')} WHERE cluster = 'schema' ORDER BY ts_ms DESC LIMIT 1`,
    `SELECT f.rule, f.severity, f.value FROM ${t('config_findings')} AS f WHERE (f.instance, f.ts_ms) IN (SELECT instance, max(ts_ms) FROM ${t('config_audits')} GROUP BY instance)`,
    `SELECT table_name, max(max_offset) FROM ${t('ingest_watermarks')} GROUP BY table_name ORDER BY table_name`,
  ];
};

describe('stage-2 schema', () => {
  it('every row a handler builds has exactly the columns of its table', () => {
    const columns = migrationColumns();
    for (const [table, rows] of fixtureRows()) {
      const expected = columns.get(table);
      expect(expected, `table ${table} is created by a migration`).toBeDefined();
      for (const row of rows) expect(Object.keys(row).sort(), table).toEqual([...expected!].sort());
    }
  });

  it('topology_nodes rows are only written when the view changed or is a keyframe', () => {
    const rows = fixtureRows();
    expect(rows.get('topology_samples')).toHaveLength(3);
    expect(rows.get('topology_nodes')).toHaveLength(2); // only the first fixture changed
    expect(rows.get('topology_changes')).toHaveLength(4);
  });

  it('migrations, inserts and queries run on ClickHouse 18.16, and the watermark views fire', async () => {
    const ch = createClickHouse(config.clickhouse);
    try {
      await migrate(ch, db);
      for (const statement of inserts(db)) await ch.command({ query: statement });
      const results: unknown[][] = [];
      for (const q of queries(db)) results.push(await (await ch.query({ query: q, format: 'JSONEachRow' })).json());
      const [hist] = results[0] as Array<{ hist: [number[], Array<number | string>] }>;
      expect(hist!.hist[0]).toEqual([96, 128, 384]);
      expect(hist!.hist[1].map(Number)).toEqual([12, 12, 6]);
      expect(results[1]).toHaveLength(1);
      const marks = results.at(-1) as Array<Record<string, unknown>>;
      for (const table of [
        'topology_samples',
        'topology_nodes',
        'topology_changes',
        'slowlog',
        'latency_probes',
        'latency_events',
        'client_summaries',
        'config_audits',
        'config_findings',
      ]) {
        expect(
          marks.map((m) => m.table_name),
          table,
        ).toContain(table);
      }
    } finally {
      await ch.close();
    }
  });

  it('migrations, inserts and queries run on current ClickHouse (chDB)', async () => {
    const migrations = loadMigrations().filter((m) => m.version <= 2 || SAMPLE_MIGRATIONS.includes(m.version));
    const statements = [
      `CREATE DATABASE IF NOT EXISTS ${identifier(db).text}`,
      ...schemaStatements(singleServer(db), migrations),
      ...inserts(db),
      ...queries(db),
    ];
    const run = await runOnCurrentClickHouse(statements);
    const failures = run.results
      .filter((r) => !r.ok)
      .map((r) => `${r.sql.slice(0, 160)}\n  → ${r.error?.slice(0, 300)}`);
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(run.results.at(-1)!.output).toContain('topology_changes');
  });
});
