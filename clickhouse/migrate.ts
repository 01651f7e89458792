// Versioned schema migrations, applied at start by the stream processor (and the API,
// which only waits for them). Files are `NNNN_name.sql` in ./migrations, statements
// separated by `;` at the end of a line, `{db}` standing for the database identifier.
// Every statement is idempotent (IF NOT EXISTS; an ADD COLUMN that finds its column is
// taken as done, see alreadyAdded), so two processors starting at once are harmless; `schema_migrations` records what was applied and when.
import { readdirSync, readFileSync } from 'node:fs';
import { identifier, sql } from '../common/sql.ts';
import type { ClickHouseClient } from '../common/clickhouse.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export function loadMigrations(database: string): Migration[] {
  const db = identifier(database).text;
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      statements: splitStatements(readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8')).map((s) =>
        s.replaceAll('{db}', db),
      ),
    }));
}

export function splitStatements(text: string): string[] {
  return text
    .split(/;\s*$/m)
    .map((s) =>
      s
        .split('\n')
        .filter((l) => !l.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((s) => s !== '');
}

/**
 * ClickHouse 18.16 has no `ADD COLUMN IF NOT EXISTS`: an ADD COLUMN that fails because the
 * column exists was applied by another process starting at the same time (or by a run
 * that stopped before recording the migration), and counts as done.
 */
function alreadyAdded(statement: string, err: unknown): boolean {
  return (
    /^ALTER\s+TABLE\s[^;]*\bADD\s+COLUMN\b/i.test(statement) && /already exists/i.test(String((err as Error)?.message))
  );
}

export async function migrate(client: ClickHouseClient, database: string): Promise<{ applied: number[] }> {
  const db = identifier(database);
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db.text}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db.text}.schema_migrations (version UInt32, name String, applied_at DateTime) ENGINE = MergeTree ORDER BY version`,
  });
  const done = await client.query({
    query: `SELECT DISTINCT version FROM ${db.text}.schema_migrations`,
    format: 'JSONEachRow',
  });
  const applied = new Set((await done.json<{ version: number }>()).map((r) => Number(r.version)));
  const now: number[] = [];
  for (const m of loadMigrations(database)) {
    if (applied.has(m.version)) continue;
    for (const statement of m.statements) {
      try {
        await client.command({ query: statement });
      } catch (err) {
        if (!alreadyAdded(statement, err)) throw err;
      }
    }
    const table = identifier(`${database}.schema_migrations`);
    await client.command({
      query: sql`INSERT INTO ${table} (version, name, applied_at) VALUES (${m.version}, ${m.name}, now())`.text,
    });
    now.push(m.version);
  }
  return { applied: now };
}
