// Migrations on the real ClickHouse 18.16: a fresh database, a re-run (nothing to do), a
// database migrated by a release before checksums and derived watermark views, and an
// applied migration edited afterwards (`redscope migrate` refuses, naming it).
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier, sql } from '../common/sql.ts';
import { watermarkViewName } from '../clickhouse/derived.ts';
import {
  loadMigrations,
  MigrationChecksumError,
  migrate,
  rawTablesOf,
  schemaStatements,
  singleServer,
} from '../clickhouse/migrate.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';

const config = testConfig();
const db = config.clickhouse.database;
const ch = createClickHouse(config.clickhouse);
afterAll(async () => {
  await dropDatabase(config);
  await ch.close();
});

async function objects(database: string): Promise<string[]> {
  const rs = await ch.query({
    query: sql`SELECT name FROM system.tables WHERE database = ${database} ORDER BY name`.text,
    format: 'JSONEachRow',
  });
  return (await rs.json<{ name: string }>()).map((r) => r.name);
}

function cli(args: string[], database: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'cli/redscope.ts', 'migrate', ...args], {
    env: {
      ...process.env,
      REDSCOPE_KAFKA_BROKERS: config.kafka.brokers.join(','),
      REDSCOPE_CLICKHOUSE_URL: config.clickhouse.url,
      REDSCOPE_CLICKHOUSE_DATABASE: database,
      REDSCOPE_STREAM_GROUP_ID: config.stream.groupId,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('migrations on ClickHouse 18.16', () => {
  const migrations = loadMigrations();

  it('build the schema with a watermark view per raw table, and a second run does nothing', async () => {
    const first = await migrate(ch, db);
    expect(first.applied).toEqual(migrations.map((m) => m.version));
    const names = await objects(db);
    for (const t of rawTablesOf(migrations)) {
      expect(names).toContain(t);
      expect(names).toContain(watermarkViewName(t));
    }
    expect(await migrate(ch, db)).toEqual({ applied: [], derived: [], backfilled: [] });
    expect(await objects(db)).toEqual(names);
  });

  it('a database migrated before checksums gets them recorded and nothing else', async () => {
    const old = `${db}_old`;
    try {
      // What an earlier release left: the same objects, schema_migrations without checksums.
      await ch.command({ query: `CREATE DATABASE ${identifier(old).text}` });
      for (const s of schemaStatements(singleServer(old))) await ch.command({ query: s });
      await ch.command({
        query: `CREATE TABLE ${identifier(`${old}.schema_migrations`).text} (version UInt32, name String, applied_at DateTime) ENGINE = MergeTree ORDER BY version`,
      });
      await ch.insert({
        table: identifier(`${old}.schema_migrations`).text,
        values: migrations.map((m) => ({ version: m.version, name: m.name, applied_at: 1_700_000_000 })),
        format: 'JSONEachRow',
      });
      const before = await objects(old);
      const r = await migrate(ch, old);
      expect(r).toEqual({ applied: [], derived: [], backfilled: migrations.map((m) => m.version) });
      expect(await objects(old)).toEqual(before);
      expect(await migrate(ch, old)).toEqual({ applied: [], derived: [], backfilled: [] });
    } finally {
      await ch.command({ query: `DROP DATABASE IF EXISTS ${identifier(old).text}` });
    }
  });

  it('an applied migration edited afterwards stops `redscope migrate` with a message naming it', async () => {
    // As if 0003's file and a rollup 0060 uses had changed since they were applied: the recorded checksums no longer match.
    await sleep(1100); // recorded after the first run (DateTime has seconds)
    await ch.insert({
      table: identifier(`${db}.schema_migrations`).text,
      values: [3, 60].map((version) => ({
        version,
        name: version === 3 ? 'topology' : 'dashboard_rollups',
        applied_at: Math.floor(Date.now() / 1000),
        checksum: 'f'.repeat(64),
      })),
      format: 'JSONEachRow',
    });
    await expect(migrate(ch, db)).rejects.toBeInstanceOf(MigrationChecksumError);
    const refused = cli([], db);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/migrations changed after they were applied to database redscope_t_\w+:/);
    expect(refused.stderr).toMatch(
      /0003_topology: applied .* with checksum ffffffffffff, the file now has [0-9a-f]{12}/,
    );
    expect(refused.stderr).toMatch(
      /0060_dashboard_rollups: applied .*, the file now has [0-9a-f]{12} \(with its rollups in clickhouse\/rollups.ts: info, topology, ping, clients\)/,
    );
    expect(refused.stderr).toMatch(/--accept-edited 3,60/);

    const accepted = cli(['--accept-edited', '3,60'], db);
    expect(accepted.stderr).toBe('');
    expect(accepted.stdout.trim()).toBe('recorded checksums of 3, 60');
    expect(cli([], db).stdout.trim()).toBe('schema is up to date');
  });
});
