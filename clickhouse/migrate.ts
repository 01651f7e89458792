// Versioned schema migrations, applied at start by the stream processor (and the API,
// which only waits for them). Files are `NNNN_name.sql` in ./migrations, statements
// separated by `;` at the end of a line, `{db}` standing for the database identifier.
// Every statement is idempotent (IF NOT EXISTS), so two processors starting at once
// are harmless; `schema_migrations` records what was applied and when. A migration whose
// `-- granularities: 1m 1h` line names rollup granularities is a template: statements with
// `{g}` placeholders are repeated once per granularity (granularities.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { identifier, sql } from '../common/sql.ts';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { expandGranularities } from './granularities.ts';

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
    .map((file) => {
      const text = readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        statements: expandGranularities(text, splitStatements(text)).map((s) => s.replaceAll('{db}', db)),
      };
    });
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
    for (const statement of m.statements) await applyStatement(client, statement);
    const table = identifier(`${database}.schema_migrations`);
    await client.command({
      query: sql`INSERT INTO ${table} (version, name, applied_at) VALUES (${m.version}, ${m.name}, now())`.text,
    });
    now.push(m.version);
  }
  return { applied: now };
}

/**
 * 18.16 has no `ADD COLUMN IF NOT EXISTS`: a column another processor added a moment ago
 * (two starting at once) counts as added, like the IF NOT EXISTS of the other statements.
 */
async function applyStatement(client: ClickHouseClient, statement: string): Promise<void> {
  try {
    await client.command({ query: statement });
  } catch (err) {
    const addsColumn = /^ALTER\s+TABLE\s+\S+\s+ADD\s+COLUMN\s/i.test(statement);
    if (!addsColumn || !/column with this name already exists/i.test(String(err))) throw err;
  }
}
