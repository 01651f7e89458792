// The SQL must run on ClickHouse 18.16 (the only server the registries give us) and on
// current ClickHouse (what users run). The local server covers the first; chDB, the
// current engine in-process, covers the second. Every migration and every query shape
// runs on both, against tables holding a few real rows.
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier, stringLiteral } from '../common/sql.ts';
import { runOnCurrentClickHouse } from '../stack/chdb.ts';
import { featuresOf } from '../clickhouse/schema-target.ts';
import { migrate, schemaStatements, singleServer } from '../clickhouse/migrate.ts';
import { infoRows } from '../stream/rows/info-rows.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';
import { QUERY_SHAPES } from './support/query-shapes.ts';
import { syntheticInfo } from './support/synthetic.ts';

const config = testConfig();
const db = config.clickhouse.database;
afterAll(() => dropDatabase(config));

/** A few rows per table, as INSERT statements both engines accept. */
function sampleInserts(database: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    for (const [table, rows] of infoRows(syntheticInfo('compat', i), {
      topic: 'redscope.info.v1',
      partition: 0,
      offset: i,
    })) {
      if (rows.length === 0) continue;
      out.push(
        `INSERT INTO ${identifier(`${database}.${table}`).text} FORMAT JSONEachRow ${rows.map((r) => JSON.stringify(r)).join(' ')}`,
      );
    }
  }
  return out;
}

describe('SQL compatibility', () => {
  it('every migration and query shape runs on ClickHouse 18.16', async () => {
    const ch = createClickHouse(config.clickhouse);
    try {
      await migrate(ch, db);
      for (const statement of sampleInserts(db)) await ch.command({ query: statement });
      for (const shape of QUERY_SHAPES) {
        const rs = await ch.query({ query: shape.build(db).text, format: 'JSONEachRow' });
        await expect(rs.json(), shape.name).resolves.toBeInstanceOf(Array);
      }
      const version = await (await ch.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })).json<{
        v: string;
      }>();
      expect(version[0]!.v).toMatch(/^18\.16\./);
    } finally {
      await ch.close();
    }
  });

  it('every migration and query shape runs on current ClickHouse (chDB)', async () => {
    const statements = [
      `CREATE DATABASE IF NOT EXISTS ${identifier(db).text}`,
      // Expanded as for a current server: LowCardinality columns and codecs.
      ...schemaStatements(singleServer(db, featuresOf('26.9'))),
      ...sampleInserts(db),
      ...QUERY_SHAPES.map((s) => s.build(db).text),
      `SELECT count() FROM ${identifier(`${db}.ingest_watermarks`).text} WHERE table_name = ${stringLiteral('info_samples')}`,
    ];
    const run = await runOnCurrentClickHouse(statements);
    expect(Number.parseInt(run.version, 10)).toBeGreaterThanOrEqual(24);
    const failures = run.results
      .filter((r) => !r.ok)
      .map((r) => `${r.sql.slice(0, 160)}\n  → ${r.error?.slice(0, 300)}`);
    expect(failures, failures.join('\n\n')).toEqual([]);
    // The watermark views fire on current ClickHouse too.
    expect(run.results.at(-1)!.output?.trim()).not.toBe('0');
  });
});
