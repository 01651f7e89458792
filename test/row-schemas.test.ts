// Every raw table's row schema (stream/rows/schemas.ts) matches the table the migrations
// create, on ClickHouse 18.16 (the test stack) and on current ClickHouse (chDB): the same
// column names, column types that hold every value the schema allows, nothing left out that
// has no default. With stream/rows/schemas.test.ts (builders ↔ schemas) this ties what the
// processor builds to what ClickHouse stores.
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier, sql } from '../common/sql.ts';
import { runOnCurrentClickHouse } from '../stack/chdb.ts';
import { migrate, schemaStatements, singleServer } from '../clickhouse/migrate.ts';
import { rowSchemaMismatches, type TableColumn } from '../stream/rows/column-compat.ts';
import { ROW_SCHEMAS, type RawTable } from '../stream/rows/schemas.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';

const config = testConfig();
const db = config.clickhouse.database;
afterAll(() => dropDatabase(config));

const columnsQuery = (database: string) =>
  sql`SELECT table, name, type, default_kind FROM system.columns WHERE database = ${database} ORDER BY table, name`
    .text;

/** Every disagreement between the row schemas and `columns` (system.columns rows of the database). */
function mismatches(columns: Array<TableColumn & { table: string }>): string[] {
  return Object.entries(ROW_SCHEMAS).flatMap(([table, schema]) => {
    const own = columns.filter((c) => c.table === table);
    if (own.length === 0) return [`${table}: no such table`];
    return rowSchemaMismatches(schema, own).map((m) => `${table}.${m}`);
  });
}

describe('row schemas against the tables', () => {
  it('every row schema matches its table on ClickHouse 18.16 after the migrations', async () => {
    const ch = createClickHouse(config.clickhouse);
    try {
      await migrate(ch, db);
      const columns = await (await ch.query({ query: columnsQuery(db), format: 'JSONEachRow' })).json<
        TableColumn & { table: string }
      >();
      expect(mismatches(columns)).toEqual([]);
      // Checked for real: the tables are there and have their columns.
      const tables = new Set(columns.map((c) => c.table));
      for (const table of Object.keys(ROW_SCHEMAS) as RawTable[]) expect(tables, table).toContain(table);
    } finally {
      await ch.close();
    }
  });

  it('every row schema matches its table on current ClickHouse (chDB)', async () => {
    const run = await runOnCurrentClickHouse([
      `CREATE DATABASE IF NOT EXISTS ${identifier(db).text}`,
      ...schemaStatements(singleServer(db)),
      columnsQuery(db),
    ]);
    const failures = run.results.filter((r) => !r.ok).map((r) => `${r.sql.slice(0, 120)} → ${r.error?.slice(0, 200)}`);
    expect(failures).toEqual([]);
    const columns = run.results
      .at(-1)!
      .output!.trim()
      .split('\n')
      .map((line) => {
        const [table, name, type, default_kind] = line.split('\t');
        return { table: table!, name: name!, type: type!, default_kind: default_kind ?? '' };
      });
    expect(mismatches(columns)).toEqual([]);
  });
});
