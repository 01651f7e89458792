// The Grafana dashboards: committed JSON equals what the builders make, every panel points at
// the redscope ClickHouse datasource, and every panel and variable query — with the Grafana
// macros expanded as the plugin would — runs on the local ClickHouse 18.16 and on current
// ClickHouse (chDB), returning rows for a small synthetic fleet.
import { readdirSync, readFileSync } from 'node:fs';
import { createClient } from '@clickhouse/client';
import type { Dashboard, Panel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfoSampleV1 } from '../contracts/index.ts';
import { JSON_DIR, renderDashboards } from '../dashboards/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { CLICKHOUSE_DATASOURCE } from '../dashboards/lib/datasource.ts';
import { expandMacros, type MacroContext, type VariableValue } from '../dashboards/macros.ts';
import { runOnCurrentClickHouse, type ChdbRun } from '../stack/chdb.ts';
import { migrate, schemaStatements, singleServer } from '../clickhouse/migrate.ts';
import { infoRows } from '../stream/rows/info-rows.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

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

  it('is what Grafana is provisioned with: the datasource uid the panels use, the folder docker-compose mounts the JSON into', () => {
    const ds = parseYaml(
      readFileSync(new URL('../dashboards/provisioning/datasources/clickhouse.yaml', import.meta.url), 'utf8'),
    );
    expect(ds.datasources).toEqual([
      expect.objectContaining({ type: CLICKHOUSE_DATASOURCE.type, uid: CLICKHOUSE_DATASOURCE.uid }),
    ]);
    const provider = parseYaml(
      readFileSync(new URL('../dashboards/provisioning/dashboards/redscope.yaml', import.meta.url), 'utf8'),
    ).providers[0];
    const compose = parseYaml(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true });
    expect(compose.services.grafana.volumes).toContain(`./dashboards/json:${provider.options.path}:ro`);
  });
});

// ---- a small fleet: 2 clusters × (2 masters + 1 replica), one INFO sample every 5 s for 10 min ----

const NOW_S = Math.floor(Date.now() / 1000);
const CLUSTERS = ['alpha', 'beta'];
const REPLICA = '10.0.1.3:6379'; // replica of 10.0.1.1:6379 in alpha

function sampleOf(cluster: string, node: 1 | 2 | 3, k: number): InfoSampleV1 {
  const base = syntheticInfo(cluster, k);
  const net = `10.0.${CLUSTERS.indexOf(cluster) + 1}`;
  const replica = node === 3;
  const offset = k * 1000;
  return {
    ...base,
    ts: (NOW_S - 600 + k * 5) * 1000,
    instance: { id: `${net}.${node}:6379`, host: `${net}.${node}`, port: 6379, cluster },
    role: replica ? 'replica' : 'master',
    fields: {
      ...base.fields,
      maxmemory: 2 ** 30,
      used_memory_rss: 1_300_000 + k,
      mem_fragmentation_ratio: 1.3,
      blocked_clients: k % 2,
      instantaneous_ops_per_sec: 100 + k,
      evicted_keys: 2 * k,
      expired_keys: 3 * k,
      rejected_connections: k,
      keyspace_hits: 90 * k,
      keyspace_misses: 10 * k,
      uptime_in_seconds: 1000 + 5 * k,
      aof_enabled: 0,
      rdb_changes_since_last_save: k,
      rdb_bgsave_in_progress: 0,
      aof_rewrite_in_progress: 0,
      master_repl_offset: offset,
      ...(replica ? { master_port: 6379, slave_repl_offset: offset - 700 } : {}),
    },
    text: {
      ...base.text,
      role: replica ? 'slave' : 'master',
      rdb_last_bgsave_status: 'ok',
      aof_last_write_status: 'ok',
      ...(replica ? { master_host: `${net}.1`, master_link_status: 'up' } : {}),
    },
    errors: [
      { error: 'MOVED', count: k, countDelta: 1 },
      { error: 'ASK', count: k, countDelta: k % 2 },
    ],
  };
}

/** Rows by table, through the same infoRows the stream processor uses. */
function fleetRows(): Map<string, Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>[]>();
  let offset = 0;
  for (const cluster of CLUSTERS) {
    for (const node of [1, 2, 3] as const) {
      for (let k = 0; k < 120; k++) {
        for (const [table, rows] of infoRows(sampleOf(cluster, node, k), {
          topic: 'redscope.info.v1',
          partition: 0,
          offset: offset++,
        })) {
          if (!out.has(table)) out.set(table, []);
          out.get(table)!.push(...rows);
        }
      }
    }
  }
  return out;
}

// ---- every query of every dashboard, expanded for two selections ----

interface Check {
  where: string;
  sql: string;
}

function variablesOf(d: Dashboard): VariableModel[] {
  return (d.templating?.list ?? []).filter((v) => v.type === 'query');
}

const ALL_INSTANCES = CLUSTERS.flatMap((_, c) => [1, 2, 3].map((n) => `10.0.${c + 1}.${n}:6379`));

/** "All" where a variable allows it, else one replica of alpha; then everything narrowed to that replica. */
function selections(d: Dashboard): Array<{ name: string; variables: Record<string, VariableValue> }> {
  const pick = (v: VariableModel, all: boolean): VariableValue => {
    const multi = Boolean(v.multi);
    if (v.name === 'cluster')
      return all && v.includeAll ? { values: CLUSTERS, all: true, multi } : { values: ['alpha'], multi };
    if (v.name === 'instance')
      return all && v.includeAll ? { values: ALL_INSTANCES, all: true, multi } : { values: [REPLICA], multi };
    throw new Error(`${d.title}: the test has no sample value for $${v.name}`);
  };
  return [true, false].map((all) => ({
    name: all ? 'All' : 'one replica',
    variables: Object.fromEntries(variablesOf(d).map((v) => [v.name, pick(v, all)])),
  }));
}

function checks(): Check[] {
  const out: Check[] = [];
  for (const d of dashboards) {
    for (const sel of selections(d)) {
      const ctx: MacroContext = { fromSec: NOW_S - 900, toSec: NOW_S, intervalSec: 60, variables: sel.variables };
      for (const v of variablesOf(d))
        out.push({ where: `${d.title} / $${v.name} [${sel.name}]`, sql: expandMacros(String(v.query), ctx) });
      for (const p of (d.panels ?? []) as Panel[]) {
        for (const t of p.targets as unknown as Array<{ rawSql: string }>)
          out.push({ where: `${d.title} / ${p.title} [${sel.name}]`, sql: expandMacros(t.rawSql, ctx) });
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
      for (const [table, values] of fleetRows())
        await admin.insert({ table: `${db}.${table}`, values, format: 'JSONEachRow' });
    } finally {
      await admin.close();
    }
  });

  afterAll(async () => {
    await ch.close();
    await dropDatabase(config);
  });

  it('every panel and variable query runs and returns rows for the sample fleet', async () => {
    const failed: string[] = [];
    const empty: string[] = [];
    for (const c of checks()) {
      try {
        const rows = await (await ch.query({ query: c.sql, format: 'JSONEachRow' })).json();
        if (rows.length === 0) empty.push(c.where);
      } catch (err) {
        failed.push(`${c.where}: ${(err as Error).message.split('\n')[0]}\n${c.sql}`);
      }
    }
    expect(failed).toEqual([]);
    expect(empty).toEqual([]);
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
    inserts = [...fleetRows()].map(
      ([table, rows]) =>
        `INSERT INTO ${db}.${table} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`,
    );
    run = await runOnCurrentClickHouse([...schema, ...inserts, `USE ${db}`, ...all.map((c) => c.sql)]);
  });

  it('every panel and variable query runs and returns rows for the sample fleet', () => {
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
