// For processes that do not migrate at start (clickhouse.migrateOnStart: false, so they
// need no DDL rights): check that `redscope migrate` has brought the schema up to what
// this build expects, and say so plainly when it has not.
import type { Config } from '../common/config.ts';
import { clickhouseErrorCode, type ClickHouseClient } from '../common/clickhouse.ts';
import type { Logger } from '../common/log.ts';
import { identifier } from '../common/sql.ts';
import { loadMigrations } from './migrate.ts';
import { migrateSchema } from './migration-leader.ts';

export class SchemaNotReadyError extends Error {
  override name = 'SchemaNotReadyError';
}

/** Throws SchemaNotReadyError naming the missing migrations. */
export async function requireCurrentSchema(client: ClickHouseClient, database: string): Promise<void> {
  const wanted = loadMigrations().map((m) => m.version);
  let applied = new Set<number>();
  try {
    const rs = await client.query({
      query: `SELECT DISTINCT version FROM ${identifier(`${database}.schema_migrations`).text}`,
      format: 'JSONEachRow',
    });
    applied = new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
  } catch (err) {
    // No schema_migrations table (or database) yet: nothing applied.
    if (!['60', '81'].includes(clickhouseErrorCode(err) ?? '')) throw err; // UNKNOWN_TABLE, UNKNOWN_DATABASE
  }
  const missing = wanted.filter((v) => !applied.has(v));
  if (missing.length > 0)
    throw new SchemaNotReadyError(
      `ClickHouse database ${database} lacks migrations ${missing.join(', ')}; run \`redscope migrate\` (as the migrator user) first, or set clickhouse.migrateOnStart: true`,
    );
}

/**
 * At start: migrate as the migrator (one leader among the processes starting at once,
 * migration-leader.ts) or, with clickhouse.migrateOnStart false, only check the schema
 * with `checker` (the process's own, DDL-less user).
 */
export async function prepareSchema(
  config: Config,
  log: Logger,
  checker: ClickHouseClient,
  migrator: () => ClickHouseClient,
): Promise<void> {
  if (config.clickhouse.migrateOnStart === false) {
    await requireCurrentSchema(checker, config.clickhouse.database);
    return;
  }
  const client = migrator();
  try {
    await migrateSchema(client, config, log);
  } finally {
    await client.close();
  }
}
