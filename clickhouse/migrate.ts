// Versioned schema migrations, applied at start by the stream processor and the alert
// manager (the API only waits for them) or by `redscope migrate`.
//
// Files are `NNNN_name.sql` in ./migrations: statements separated by `;` at the end of a
// line, written with the placeholders of clickhouse/expand.ts, so one file serves one
// server and a cluster, 18.16 and current releases. After the numbered migrations, the
// objects derived from them (clickhouse/derived.ts: one watermark view per raw table) are
// created if missing.
//
// `schema_migrations` records each applied version with a checksum of its statements as
// written (placeholders unexpanded; comments and whitespace ignored), so the record does
// not depend on the server version or on cluster mode. A migration edited after it was
// applied stops migrate with a message naming it. Rows from releases without checksums
// are backfilled from the files on the first run (trusted on first use).
//
// A migration whose `-- granularities: 1m 1h` line names rollup granularities is a template:
// statements with `{g}` placeholders are repeated once per granularity (granularities.ts)
// before anything else, so checksums and the placeholders of expand.ts see them expanded.
// Likewise a `{rollup:name}` statement is replaced by the tables and views of the rollup
// `name` (clickhouse/rollups.ts, rollup-template.ts): the checksum covers what it expands to.
//
// Every statement is idempotent (IF NOT EXISTS; a column already added is accepted), so a
// migration interrupted half-way is simply run again. Where several processes may migrate
// at once, `opts.leader` lets exactly one of them do the work (migration-leader.ts).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { clickhouseErrorCode, type ClickHouseClient } from '../common/clickhouse.ts';
import { identifier, sql } from '../common/sql.ts';
import { derivedObjects, type DerivedObject } from './derived.ts';
import { expandStatement, isRawTableStatement, RECREATE_DISTRIBUTED, statementTable } from './expand.ts';
import { expandGranularities } from './granularities.ts';
import { expandRollups, rollupsNamed } from './rollup-template.ts';
import { ROLLUPS } from './rollups.ts';
import { BASE_FEATURES, featuresOf, serverVersion, type SchemaTarget, type ServerFeatures } from './schema-target.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  /** The statements as written, placeholders unexpanded. */
  templates: string[];
  /** sha256 (hex) of the statements as written, comments and whitespace ignored. */
  checksum: string;
  /** Rollups of clickhouse/rollups.ts its `{rollup:…}` statements name: part of what the checksum covers. */
  rollups: string[];
}

export class MigrationChecksumError extends Error {
  override name = 'MigrationChecksumError';
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

/** Comments and runs of whitespace do not count: reformatting a migration is not an edit. */
export function checksumOf(templates: readonly string[]): string {
  const normalised = templates.map((t) =>
    t
      .replace(/(^|\s)--[^\n]*/g, '$1')
      .replace(/\s+/g, ' ')
      .trim(),
  );
  return createHash('sha256').update(normalised.join(';\n')).digest('hex');
}

export function loadMigrations(dir: URL = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => FILE.test(f))
    .sort()
    .map((file) => {
      const [, version, name] = FILE.exec(file)!;
      const text = readFileSync(new URL(file, dir), 'utf8');
      const statements = splitStatements(text);
      const templates = expandRollups(expandGranularities(text, statements), ROLLUPS);
      return {
        version: Number(version),
        name: name!,
        templates,
        checksum: checksumOf(templates),
        rollups: rollupsNamed(statements),
      };
    });
}

/** Tables declared with {kafka_columns}: what the processor writes, each with a watermark view. */
export function rawTablesOf(migrations: readonly Migration[]): string[] {
  return migrations.flatMap((m) => m.templates.filter(isRawTableStatement).map((t) => statementTable(t)!));
}

/** The migrations with their statements expanded for `target` (no derived objects). */
export function expandMigrations(
  target: SchemaTarget,
  migrations = loadMigrations(),
): Array<Migration & { statements: string[] }> {
  return migrations.map((m) => ({ ...m, statements: m.templates.flatMap((t) => expandStatement(t, target)) }));
}

/**
 * Every statement that builds the schema of `migrations` on `target` from nothing, derived
 * objects included: for a server without a client (chDB) and for tests.
 */
export function schemaStatements(target: SchemaTarget, migrations = loadMigrations()): string[] {
  return [
    ...expandMigrations(target, migrations).flatMap((m) => m.statements),
    ...derivedObjects(rawTablesOf(migrations), target).flatMap((d) => d.statements),
  ];
}

/** A single server with 18.16's features: what the migrations expand to by default. */
export function singleServer(database: string, features: ServerFeatures = BASE_FEATURES): SchemaTarget {
  return { database, cluster: null, features };
}

export interface MigrateOptions {
  /** `clickhouse.cluster`: tables become Replicated + Distributed, DDL runs ON CLUSTER. */
  cluster?: string | null;
  /** Defaults to what the server's version has. */
  features?: ServerFeatures;
  /** Runs the work in exactly one process at a time (migration-leader.ts); default: here. */
  leader?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Versions whose edited file is accepted: the new checksum is recorded (`migrate --accept-edited`). */
  acceptEdited?: readonly number[];
  log?: (message: string) => void;
}

export interface MigrateResult {
  applied: number[];
  derived: string[];
  backfilled: number[];
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS {table:schema_migrations}
(version UInt32, name String, applied_at DateTime, checksum String)
ENGINE = {engine:MergeTree} ORDER BY version {shard_by:version}`;

export async function migrate(
  client: ClickHouseClient,
  database: string,
  opts: MigrateOptions = {},
): Promise<MigrateResult> {
  const target: SchemaTarget = {
    database,
    cluster: opts.cluster ?? null,
    features: opts.features ?? featuresOf(await serverVersion(client)),
  };
  const migrations = loadMigrations();
  const derived = derivedObjects(rawTablesOf(migrations), target);
  const creates = new Map(
    migrations.flatMap((m) =>
      m.templates
        .filter((t) => /^\s*CREATE\s+TABLE\b/i.test(t) && statementTable(t) !== undefined)
        .map((t) => [statementTable(t)!, t] as const),
    ),
  );
  const db = new Database(client, target, creates);
  // The common case (nothing to do) needs no leader: three reads.
  if (!pending(await db.state(), migrations, derived)) return { applied: [], derived: [], backfilled: [] };
  const run = opts.leader ?? (<T>(work: () => Promise<T>) => work());
  return run(() => apply(db, migrations, derived, opts));
}

function pending(state: SchemaState | null, migrations: readonly Migration[], derived: readonly DerivedObject[]) {
  return (
    state === null ||
    migrations.some((m) => state.applied.get(m.version)?.checksum !== m.checksum) ||
    derived.some((d) => !state.objects.has(d.name))
  );
}

async function apply(
  db: Database,
  migrations: readonly Migration[],
  derived: readonly DerivedObject[],
  opts: MigrateOptions,
): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  const result: MigrateResult = { applied: [], derived: [], backfilled: [] };
  // Another process may have done it while this one waited to lead.
  if (!pending(await db.state(), migrations, derived)) return result;
  await db.runTemplate('CREATE DATABASE IF NOT EXISTS {db}{on_cluster}');
  await db.runTemplate(MIGRATIONS_TABLE);
  // Releases before checksums created the table without the column.
  if (!(await db.hasColumn('schema_migrations', 'checksum')))
    await db.runTemplate('ALTER TABLE {table:schema_migrations} ADD COLUMN checksum String');
  const state = (await db.state())!;

  const edited = migrations.filter((m) => {
    const recorded = state.applied.get(m.version);
    return recorded?.checksum && recorded.checksum !== m.checksum && !opts.acceptEdited?.includes(m.version);
  });
  if (edited.length > 0) throw new MigrationChecksumError(editedMessage(edited, state, db.target.database));

  for (const m of migrations) {
    const recorded = state.applied.get(m.version);
    if (recorded) {
      if (recorded.checksum === m.checksum) continue;
      // No checksum yet (an earlier release applied it), or an accepted edit: record this one.
      await db.record(m);
      result.backfilled.push(m.version);
      continue;
    }
    for (const template of m.templates) await db.runTemplate(template);
    await db.record(m);
    result.applied.push(m.version);
    log(`applied migration ${label(m)}`);
  }
  for (const d of derived) {
    if (state.objects.has(d.name)) continue;
    for (const statement of d.statements) await db.run(statement);
    result.derived.push(d.name);
  }
  return result;
}

function label(m: Migration): string {
  return `${String(m.version).padStart(4, '0')}_${m.name}`;
}

function editedMessage(edited: readonly Migration[], state: SchemaState, database: string): string {
  const lines = edited.map((m) => {
    const r = state.applied.get(m.version)!;
    const rollups = m.rollups.length > 0 ? ` (with its rollups in clickhouse/rollups.ts: ${m.rollups.join(', ')})` : '';
    return `  ${label(m)}: applied ${r.appliedAt} with checksum ${r.checksum.slice(0, 12)}, the file now has ${m.checksum.slice(0, 12)}${rollups}`;
  });
  const versions = edited.map((m) => m.version).join(',');
  return [
    `migrations changed after they were applied to database ${database}:`,
    ...lines,
    'An applied migration must not change: restore the file(s) in clickhouse/migrations/ (and the rollups they use) and put the change in a new migration.',
    `If the edit only reformats the file and the schema is right, \`redscope migrate --accept-edited ${versions}\` records the new checksum.`,
  ].join('\n');
}

interface SchemaState {
  applied: Map<number, { checksum: string; appliedAt: string }>;
  /** Tables and views in the database. */
  objects: Set<string>;
}

/** The database as migrate sees it: statements expanded for the target, and its state. */
class Database {
  constructor(
    private readonly client: ClickHouseClient,
    readonly target: SchemaTarget,
    /** Table → the statement (template) that creates it. */
    private readonly creates: ReadonlyMap<string, string> = new Map(),
  ) {}

  async runTemplate(template: string): Promise<void> {
    for (const statement of expandStatement(template, this.target)) await this.run(statement);
  }

  async run(statement: string): Promise<void> {
    if (statement.startsWith(RECREATE_DISTRIBUTED)) return this.recreateDistributed(statement);
    try {
      await this.client.command({ query: statement });
    } catch (err) {
      // A column added by an interrupted earlier run of the same migration (18.16 has no ADD COLUMN IF NOT EXISTS).
      if (clickhouseErrorCode(err) === '44' && /\bADD\s+COLUMN\b/i.test(statement)) return;
      throw err;
    }
  }

  /**
   * Drops a Distributed table and creates it again over its altered local table, as the
   * migration that created the table defines it (cluster, sharding key).
   */
  private async recreateDistributed(statement: string): Promise<void> {
    const table = /`([A-Za-z_][A-Za-z0-9_]*)`$/.exec(statement)?.[1];
    const create = table === undefined ? undefined : this.creates.get(table);
    if (!create) throw new Error(`no migration creates the table of: ${statement}`);
    const [, distributed] = expandStatement(create, this.target);
    await this.run(
      `DROP TABLE IF EXISTS ${identifier(`${this.target.database}.${table}`).text}${expandStatement('{on_cluster}', this.target)[0]}`,
    );
    await this.run(distributed!);
  }

  async hasColumn(table: string, column: string): Promise<boolean> {
    const local = this.target.cluster ? `${table}_local` : table;
    const rs = await this.client.query({
      query:
        sql`SELECT count() AS n FROM system.columns WHERE database = ${this.target.database} AND table = ${local} AND name = ${column}`
          .text,
      format: 'JSONEachRow',
    });
    return Number((await rs.json<{ n: string }>())[0]?.n ?? 0) > 0;
  }

  /** null when the database or its schema_migrations table does not exist yet. */
  async state(): Promise<SchemaState | null> {
    const rs = await this.client.query({
      query: sql`SELECT name FROM system.tables WHERE database = ${this.target.database}`.text,
      format: 'JSONEachRow',
    });
    const objects = new Set((await rs.json<{ name: string }>()).map((r) => r.name));
    if (!objects.has('schema_migrations')) return null;
    const withChecksum = await this.hasColumn('schema_migrations', 'checksum');
    const table = identifier(`${this.target.database}.schema_migrations`).text;
    const rows = await (
      await this.client.query({
        query: `SELECT version, toString(applied_at) AS applied_at, ${withChecksum ? 'checksum' : "''"} AS checksum FROM ${table} ORDER BY version, applied_at`,
        format: 'JSONEachRow',
      })
    ).json<{ version: number; applied_at: string; checksum: string }>();
    const applied = new Map<number, { checksum: string; appliedAt: string }>();
    for (const r of rows) {
      const v = Number(r.version);
      const seen = applied.get(v);
      // When applied, and the checksum recorded last (a backfill or an accepted edit adds a row).
      if (!seen) applied.set(v, { checksum: r.checksum, appliedAt: r.applied_at });
      else if (r.checksum) seen.checksum = r.checksum;
    }
    return { applied, objects };
  }

  async record(m: Migration): Promise<void> {
    await this.client.insert({
      table: identifier(`${this.target.database}.schema_migrations`).text,
      values: [{ version: m.version, name: m.name, applied_at: Math.floor(Date.now() / 1000), checksum: m.checksum }],
      format: 'JSONEachRow',
      // On a cluster this is the Distributed table: stored before migrate returns.
      clickhouse_settings: this.target.cluster ? { insert_distributed_sync: 1 } : {},
    });
  }
}
