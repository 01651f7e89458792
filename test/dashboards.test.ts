// The Grafana dashboards: committed JSON equals what the builders make, every panel points at
// the redscope ClickHouse datasource, and every panel and variable query — with the Grafana
// macros expanded as the plugin would — runs on the local ClickHouse 18.16 and on current
// ClickHouse (chDB), returning rows for a small synthetic fleet.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient } from '@clickhouse/client';
import type { Dashboard, Panel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_DIR, renderDashboards } from '../dashboards/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { CLICKHOUSE_DATASOURCE } from '../dashboards/lib/datasource.ts';
import { expandMacros, type MacroContext, type VariableValue } from '../dashboards/macros.ts';
import { runOnCurrentClickHouse, type ChdbRun } from '../stack/chdb.ts';
import { migrate, schemaStatements, singleServer } from '../clickhouse/migrate.ts';
import { checkSchema } from '../dashboards/check/index.ts';
import { dashboardQueries, type DashboardQuery } from '../dashboards/queries.ts';
import { ALL_INSTANCES, CLUSTERS, fleetRows, REPLICA } from './support/dashboard-fleet.ts';
import {
  allOf,
  panelIntervalSec,
  queryVariables,
  runQueries,
  type QueryRun,
  type TimeRange,
} from './support/dashboard-run.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';

const NOW_S = Math.floor(Date.now() / 1000);
const RANGE: TimeRange = { fromSec: NOW_S - 900, toSec: NOW_S };

const committed = readdirSync(JSON_DIR).filter((f) => f.endsWith('.json'));
const dashboards = committed.map((f) => JSON.parse(readFileSync(new URL(f, JSON_DIR), 'utf8')) as Dashboard);

describe('dashboard JSON', () => {
  it('is exactly what `npm run dashboards` generates from dashboards/builders (never edit the JSON)', () => {
    const rendered = renderDashboards();
    expect(committed.sort()).toEqual(rendered.map((d) => d.file).sort());
    for (const d of rendered)
      expect(
        readFileSync(new URL(d.file, JSON_DIR), 'utf8'),
        `dashboards/json/${d.file} is stale: run npm run dashboards`,
      ).toBe(d.text);
  });

  it('gives every dashboard a uid and title, and every panel a grid position and the redscope ClickHouse datasource', () => {
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    for (const d of dashboards) {
      expect(d.uid).toMatch(/^[a-z0-9-]{8,40}$/);
      expect(d.title).toBeTruthy();
      const panels = (d.panels ?? []) as Panel[];
      expect(panels.length, d.title).toBeGreaterThan(0);
      expect(new Set(panels.map((p) => p.id)).size, `${d.title}: panel ids`).toBe(panels.length);
      for (const p of panels) {
        const where = `${d.title} / ${p.title}`;
        expect(p.gridPos, where).toMatchObject({
          x: expect.any(Number),
          y: expect.any(Number),
          w: expect.any(Number),
          h: expect.any(Number),
        });
        expect(p.gridPos!.x + p.gridPos!.w, where).toBeLessThanOrEqual(24);
        expect(p.datasource, where).toEqual(CLICKHOUSE_DATASOURCE);
        expect(p.targets?.length, where).toBeGreaterThan(0);
        for (const t of p.targets as unknown as Array<Record<string, unknown>>) {
          expect(t, where).toMatchObject({
            datasource: CLICKHOUSE_DATASOURCE,
            editorType: 'sql',
            rawSql: expect.stringMatching(/^SELECT /),
          });
          expect(t.format, where).toBe(t.queryType === 'timeseries' ? 0 : 1);
        }
      }
      for (const v of variablesOf(d)) expect(v.datasource, `${d.title} / $${v.name}`).toEqual(CLICKHOUSE_DATASOURCE);
    }
  });

  it("validates strictly against Grafana's dashboard schema (Foundation SDK, Go: UnmarshalJSONStrict + Validate)", () => {
    const results = checkSchema(committed.map((f) => fileURLToPath(new URL(f, JSON_DIR))));
    expect(results.map((r) => r.uid).sort()).toEqual(dashboards.map((d) => d.uid).sort());
    expect(results.filter((r) => r.error).map((r) => `${r.file}: ${r.error}`)).toEqual([]);
  });

  it('is what Grafana is provisioned with: the datasource uid the panels use, the folder docker-compose mounts the JSON into', () => {
    const ds = parseYaml(
      readFileSync(new URL('../dashboards/provisioning/datasources/clickhouse.yaml', import.meta.url), 'utf8'),
    );
    expect(ds.datasources).toEqual([
      expect.objectContaining({ type: CLICKHOUSE_DATASOURCE.type, uid: CLICKHOUSE_DATASOURCE.uid }),
    ]);
    // Dashboards read as the read-only user, never as the writer or an admin.
    expect(ds.datasources[0].jsonData.username).toBe('redscope_reader');
    const provider = parseYaml(
      readFileSync(new URL('../dashboards/provisioning/dashboards/redscope.yaml', import.meta.url), 'utf8'),
    ).providers[0];
    const compose = parseYaml(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true });
    expect(compose.services.grafana.volumes).toContain(`./dashboards/json:${provider.options.path}:ro`);
  });
});

// ---- every query of every dashboard, expanded for two selections ----

const variablesOf = queryVariables;

/** "All" where a variable allows it, else one replica of alpha; then everything narrowed to that replica. */
function selections(d: Dashboard): Array<{ name: string; variables: Record<string, VariableValue> }> {
  const pick = (v: VariableModel, all: boolean): VariableValue => {
    const multi = Boolean(v.multi);
    if (v.name === 'cluster') return all && v.includeAll ? allOf(v, CLUSTERS) : { values: ['alpha'], multi };
    if (v.name === 'instance') return all && v.includeAll ? allOf(v, ALL_INSTANCES) : { values: [REPLICA], multi };
    if (v.name === 'command') return { values: ['get'], multi };
    throw new Error(`${d.title}: the test has no sample value for $${v.name}`);
  };
  return [true, false].map((all) => ({
    name: all ? 'All' : 'one replica',
    variables: Object.fromEntries(variablesOf(d).map((v) => [v.name, pick(v, all)])),
  }));
}

interface Check extends DashboardQuery {
  expanded: string;
}

/** Queries that may be empty for a one-replica selection: what the replica has none of. */
const EMPTY_FOR_ONE_REPLICA = [
  / \/ Keys without TTL per instance \(INFO, masters\)$/,
  / \/ Replication lag$/, // lag needs the replica's master, outside the selection only for masters
];

function checks(): Check[] {
  const out: Check[] = [];
  for (const d of dashboards) {
    for (const sel of selections(d)) {
      for (const q of dashboardQueries(d)) {
        if (sel.name !== 'All' && EMPTY_FOR_ONE_REPLICA.some((re) => re.test(q.where))) continue;
        const ctx: MacroContext = { ...RANGE, intervalSec: panelIntervalSec(q, RANGE), variables: sel.variables };
        out.push({ ...q, where: `${q.where} [${sel.name}]`, expanded: expandMacros(q.sql, ctx) });
      }
    }
  }
  return out;
}

describe('dashboard queries on ClickHouse 18.16', () => {
  const config = testConfig();
  const db = config.clickhouse.database;
  // Panels name tables without a database, as the datasource's defaultDatabase supplies it.
  const ch = createClient({ url: config.clickhouse.url, database: db });

  beforeAll(async () => {
    const admin = createClickHouse(config.clickhouse);
    try {
      await migrate(admin, db);
      for (const [table, values] of fleetRows(NOW_S))
        await admin.insert({ table: `${db}.${table}`, values, format: 'JSONEachRow' });
    } finally {
      await admin.close();
    }
  });

  afterAll(async () => {
    await ch.close();
    await dropDatabase(config);
  });

  it('every panel, annotation and variable query runs, returns rows, and has the shape its panel needs', async () => {
    const runs: QueryRun[] = [];
    for (const d of dashboards)
      for (const sel of selections(d)) {
        const queries = dashboardQueries(d).filter(
          (q) => sel.name === 'All' || !EMPTY_FOR_ONE_REPLICA.some((re) => re.test(q.where)),
        );
        const done = await runQueries(ch, queries, RANGE, sel.variables);
        runs.push(...done.map((r) => ({ ...r, where: `${r.where} [${sel.name}]` })));
      }
    expect(runs.length).toBe(checks().length);
    expect(runs.filter((r) => r.error).map((r) => `${r.where}: ${r.error}\n${r.expanded}`)).toEqual([]);
    expect(runs.filter((r) => r.result?.data.length === 0).map((r) => r.where)).toEqual([]);
    expect(runs.flatMap((r) => r.problems.map((p) => `${r.where}: ${p}`))).toEqual([]);
  });
});

describe('dashboard queries on current ClickHouse (chDB)', () => {
  const db = 'redscope_dashboards';
  const all = checks();
  let run: ChdbRun;
  let schema: string[];
  let inserts: string[];

  beforeAll(async () => {
    schema = [`CREATE DATABASE ${db}`, ...schemaStatements(singleServer(db))];
    inserts = [...fleetRows(NOW_S)].map(
      ([table, rows]) =>
        `INSERT INTO ${db}.${table} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`,
    );
    run = await runOnCurrentClickHouse([...schema, ...inserts, `USE ${db}`, ...all.map((c) => c.expanded)]);
  });

  it('every panel, annotation and variable query runs and returns rows for the sample fleet', () => {
    const [ddl, loaded, queries] = [
      run.results.slice(0, schema.length),
      run.results.slice(schema.length, -all.length),
      run.results.slice(-all.length),
    ];
    // A migration that fails here only matters if a panel reads its table; the queries say so.
    const context = ddl
      .filter((r) => !r.ok)
      .map((r) => `migration failed: ${r.sql.slice(0, 80)}…: ${r.error?.split('\n')[0]}`);
    expect(loaded.filter((r) => !r.ok).map((r) => `${r.sql.slice(0, 60)}…: ${r.error?.split('\n')[0]}`)).toEqual([]);
    expect(
      queries.flatMap((r, i) => (r.ok ? [] : [`${all[i]!.where}: ${r.error?.split('\n')[0]}`])),
      context.join('\n'),
    ).toEqual([]);
    expect(
      queries.flatMap((r, i) => (r.ok && r.output?.trim() === '' ? [all[i]!.where] : [])),
      context.join('\n'),
    ).toEqual([]);
  });
});

describe('links into the dashboards', () => {
  it('chat alerts link to dashboards that exist', async () => {
    const { DASHBOARD_UIDS } = await import('../alerts/links.ts');
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(new URL('../dashboards/json/', import.meta.url));
    for (const uid of Object.values(DASHBOARD_UIDS)) expect(files).toContain(`${uid}.json`);
  });
});
