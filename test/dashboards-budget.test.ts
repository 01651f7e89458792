// Row budget: on a synthetic hour of a 2,000-instance fleet (test/support/budget-fleet.ts),
// every dashboard query — for "All" and for one cluster — reads at most a stated number of
// rows (dashboards/README.md, "Row budget"). Row counts are deterministic, unlike times.
//
// What is counted: ClickHouse 18.16's query_log `read_rows` misses what IN (subquery) and
// JOIN sides read, so the test counts the granules the primary key selected in every
// MergeTree read of the query, subqueries included (ProfileEvents SelectedMarks), times the
// table's index_granularity: an upper bound of the rows read (a part's last granule may be
// short). query_log's read_rows is reported beside it.
//
// Unmerged parts: every table is OPTIMIZE … FINAL before measuring, and the rollups are
// filled by their views' SELECTs over the whole hour at once, so each holds one row per key,
// as after background merges. Live, the newest minutes are not merged yet: each processor
// flush adds one rollup row per (instance, minute) it carries until merges fold them
// (dashboards/README.md says what that costs the "now" panels).
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@clickhouse/client';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, schemaStatements, singleServer } from '../clickhouse/migrate.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import type { VariableValue } from '../dashboards/macros.ts';
import { renderDashboards } from '../dashboards/index.ts';
import { dashboardQueries } from '../dashboards/queries.ts';
import { budgetFleetInserts, FLEET } from './support/budget-fleet.ts';
import { allOf, queryVariables, rowsOf, runQueries, type QueryRun, type TimeRange } from './support/dashboard-run.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';

/** The budget dashboards/README.md states: rows one query may read over an hour of the fleet. */
const ROW_BUDGET = 250_000;

const T0 = 1_768_471_200; // 2026-01-15 10:00:00 UTC: one day's partition, one hour
const RANGE: TimeRange = { fromSec: T0, toSec: T0 + 3600 };
const config = testConfig();
const db = config.clickhouse.database;
// Generating the hour and OPTIMIZE … FINAL take minutes on a busy 2-core machine.
const admin = createClickHouse(config.clickhouse, { requestTimeoutMs: 600_000 });
const ch = createClient({ url: config.clickhouse.url, database: db });

interface Measured {
  where: string;
  selection: string;
  readRows: number;
  markRows: number;
  rows: number;
}
const measured: Measured[] = [];
const runs: QueryRun[] = [];

/**
 * Each materialized view the migrated schema has, as `INSERT INTO target SELECT …`: what it
 * would have written for the whole hour. Views a later migration dropped (the T-Digest
 * rollups 0030 retired) are left out.
 */
function viewInserts(existing: ReadonlySet<string>): string[] {
  const statements = schemaStatements(singleServer(db));
  return statements.flatMap((s) => {
    const view = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\S+) TO (\S+) AS\s+(SELECT[\s\S]+)$/.exec(s);
    if (!view || /ingest_watermarks/.test(view[2]!)) return [];
    const name = view[1]!.split('.').pop()!.replaceAll('`', '');
    if (!existing.has(name)) return [];
    return [`INSERT INTO ${view[2]} ${view[3]}`];
  });
}

async function command(query: string): Promise<void> {
  await admin.command({ query, clickhouse_settings: { max_execution_time: 600 } });
}

beforeAll(async () => {
  await migrate(admin, db);
  // Views would fire on every insert block; they are replayed once over the hour below.
  const views = (await (
    await admin.query({
      query: `SELECT name FROM system.tables WHERE database = '${db}' AND engine = 'MaterializedView'`,
      format: 'JSONEachRow',
    })
  ).json()) as Array<{ name: string }>;
  for (const v of views) await command(`DROP TABLE ${db}.${v.name}`);
  for (const insert of budgetFleetInserts(db, T0)) await command(insert);
  for (const insert of viewInserts(new Set(views.map((v) => v.name)))) await command(insert);
  const tables = (await (
    await admin.query({
      query: `SELECT name FROM system.tables WHERE database = '${db}' AND engine LIKE '%MergeTree'`,
      format: 'JSONEachRow',
    })
  ).json()) as Array<{ name: string }>;
  for (const t of tables) await optimize(t.name);
  // What is measured must be merged: one active part per partition everywhere.
  const parts = (await (
    await admin.query({
      query: `SELECT table, partition, count() AS n FROM system.parts WHERE database = '${db}' AND active GROUP BY table, partition HAVING n > 1`,
      format: 'JSONEachRow',
    })
  ).json()) as unknown[];
  expect(parts).toEqual([]);
}, 900_000);

/**
 * OPTIMIZE … FINAL, retried while it cannot start: without optimize_throw_if_noop, 18.16
 * returns at once and merges nothing when a background merge holds the table's parts.
 */
async function optimize(table: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.command({
        query: `OPTIMIZE TABLE ${db}.${table} FINAL`,
        clickhouse_settings: { optimize_throw_if_noop: 1, max_execution_time: 600 } as Record<string, number>,
      });
      return;
    } catch (err) {
      if (attempt >= 30) throw err;
      await sleep(1000);
    }
  }
}

afterAll(async () => {
  await ch.close();
  await admin.close();
  if (!process.env.KEEP_DB) await dropDatabase(config); // KEEP_DB=1 keeps the hour for a look
});

/** "All" of everything, or cluster c3 with all its instances; one instance where a dashboard needs one. */
function selection(d: Dashboard, all: boolean): Record<string, VariableValue> {
  const clusters = Array.from({ length: FLEET.clusters }, (_, c) => `c${c}`);
  const instancesOf = (c: number) => Array.from({ length: FLEET.perCluster }, (_, k) => `10.0.${c}.${k}:6379`);
  const out: Record<string, VariableValue> = {};
  for (const v of queryVariables(d)) {
    if (v.name === 'cluster') out.cluster = all ? allOf(v, clusters) : { values: ['c3'], multi: true };
    else if (v.name === 'instance')
      out.instance = v.multi
        ? allOf(v, all ? clusters.flatMap((_, c) => instancesOf(c)) : instancesOf(3))
        : { values: ['10.0.3.7:6379'], multi: false }; // a replica: the replication-lag join runs
    else if (v.name === 'command') out.command = { values: ['get'], multi: false };
    else throw new Error(`${d.title}: no budget value for $${v.name}`);
  }
  return out;
}

/** index_granularity of each table of the database (8192 unless its SETTINGS say otherwise). */
async function granularities(): Promise<Map<string, number>> {
  const rows = (await (
    await admin.query({
      query: `SELECT name, engine_full FROM system.tables WHERE database = '${db}'`,
      format: 'JSONEachRow',
    })
  ).json()) as Array<{ name: string; engine_full: string }>;
  return new Map(rows.map((r) => [r.name, Number(/index_granularity = (\d+)/.exec(r.engine_full)?.[1] ?? 8192)]));
}

describe('row budget on an hour of 2,000 instances', () => {
  beforeAll(async () => {
    const granularity = await granularities();
    const tablesOf = (sql: string) =>
      [...sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)/g)].map((m) => m[1]!).filter((t) => granularity.has(t));
    for (const d of renderDashboards().map((r) => r.dashboard)) {
      for (const all of [true, false]) {
        const prefix = `budget-${db}-${d.uid}-${all ? 'all' : 'one'}`;
        const queries = dashboardQueries(d);
        const ids = queries.map((_, i) => `${prefix}-${i}`);
        const done = await runQueries(ch, queries, RANGE, selection(d, all), { log_queries: 1 }, (i) => ids[i]!);
        runs.push(...done.map((r) => ({ ...r, where: `${r.where} [${all ? 'All' : 'c3'}]` })));
        await admin.command({ query: 'SYSTEM FLUSH LOGS' });
        const logged = (await (
          await admin.query({
            query: `SELECT query_id, read_rows, ProfileEvents.Values[indexOf(ProfileEvents.Names, 'SelectedMarks')] AS marks
FROM system.query_log WHERE type = 2 AND query_id LIKE '${prefix}-%'`,
            format: 'JSONEachRow',
          })
        ).json()) as Array<{ query_id: string; read_rows: string; marks: string }>;
        const byId = new Map(logged.map((l) => [l.query_id, l]));
        done.forEach((r, i) => {
          const log = byId.get(ids[i]!);
          const g = Math.max(...tablesOf(r.expanded).map((t) => granularity.get(t) ?? 8192));
          measured.push({
            where: `${r.where} [${all ? 'All' : 'c3'}]`,
            selection: all ? 'All' : 'c3',
            readRows: Number(log?.read_rows ?? Number.NaN),
            markRows: Number(log?.marks ?? Number.NaN) * g,
            rows: r.result?.data.length ?? 0,
          });
        });
      }
    }
    if (process.env.REDSCOPE_BUDGET_REPORT)
      console.log(
        measured
          .map((m) => `${String(m.markRows).padStart(9)} ${String(m.readRows).padStart(9)}  ${m.where}`)
          .join('\n'),
      );
  }, 600_000);

  it('runs every budgeted query, each with the shape its panel needs', () => {
    expect(runs.length).toBeGreaterThan(100);
    expect(runs.filter((r) => r.error).map((r) => `${r.where}: ${r.error}`)).toEqual([]);
    // Shapes only where there are rows: with one INFO sample per 10 s, a 10 s bucket holds
    // one sample and counter rates (hit ratio) have no pair to subtract.
    const withRows = runs.filter((r) => (r.result?.data.length ?? 0) > 0);
    expect(withRows.flatMap((r) => r.problems.map((p) => `${r.where}: ${p}`))).toEqual([]);
  });

  it('measures every query in the query log', () => {
    expect(measured.filter((m) => Number.isNaN(m.markRows)).map((m) => m.where)).toEqual([]);
  });

  it(`no query reads more than ${ROW_BUDGET.toLocaleString('en')} rows (granules its primary keys selected)`, () => {
    const over = measured.filter((m) => m.markRows > ROW_BUDGET).map((m) => `${m.where}: ${m.markRows}`);
    expect(over).toEqual([]);
  });

  it('the fleet really is there: 2,000 instances reporting at the end of the hour', () => {
    const up = runs.find((r) => r.where.endsWith('Fleet overview / Instances up [All]'));
    expect(Number(rowsOf(up)[0]?.instances)).toBe(2000);
  });
});
