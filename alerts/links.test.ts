// Every alert rule the code emits links to a dashboard that exists, has the variables the
// link sets, and reads the table holding what the rule's detector saw (or a rollup of it).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALERT_RULES } from '../contracts/index.ts';
import { schemaStatements, singleServer } from '../clickhouse/migrate.ts';
import { renderDashboards } from '../dashboards/index.ts';
import { dashboardQueries } from '../dashboards/queries.ts';
import { groupLinks, RULE_DASHBOARDS } from './links.ts';
import type { GroupedAlert } from './types.ts';

const dashboards = new Map(renderDashboards().map((d) => [d.uid, d.dashboard]));

/** Tables each table feeds through materialized views (`… TO db.rollup AS SELECT … FROM db.source`). */
function rollupsOf(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of schemaStatements(singleServer('db'))) {
    const view = /MATERIALIZED VIEW[\s\S]*?\bTO `?db`?\.`?(\w+)`?\s+AS[\s\S]*?\bFROM `?db`?\.`?(\w+)/.exec(s);
    if (view) out.set(view[2]!, [...(out.get(view[2]!) ?? []), view[1]!]);
  }
  return out;
}

const reads = (sql: string, table: string) => new RegExp(`\\b(FROM|JOIN)\\s+${table}\\b`).test(sql);

/** `rule: '<name>'` in the detectors and the alert manager: every rule written in the code. */
function rulesInSource(): string[] {
  const found = new Set<string>();
  for (const dir of ['stream/detectors', 'alerts', 'stream']) {
    const url = new URL(`../${dir}/`, import.meta.url);
    for (const f of readdirSync(url).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      for (const m of readFileSync(new URL(f, url), 'utf8').matchAll(/\brule: '([a-z][a-z0-9-]*)'/g)) found.add(m[1]!);
    }
  }
  return [...found].sort();
}

describe('alert rule → dashboard links', () => {
  it('every rule written in the detectors and the alert manager is in ALERT_RULES', () => {
    // 'test': the message of `redscope alerts test`; 'heartbeat': the optional heartbeat message — not alerts.
    const known = new Set<string>([...ALERT_RULES, 'test', 'heartbeat']);
    expect(rulesInSource().filter((r) => !known.has(r))).toEqual([]);
  });

  it.each([...ALERT_RULES])('%s links to an existing dashboard that reads its table, with its variables', (rule) => {
    const target = RULE_DASHBOARDS[rule];
    const d = dashboards.get(target.uid);
    expect(d, `${rule} → ${target.uid}`).toBeDefined();
    const names = (d!.templating?.list ?? []).map((v) => v.name);
    for (const v of target.vars) expect(names, `${target.uid} has $${v}`).toContain(v);
    const tables = [target.table, ...(rollupsOf().get(target.table) ?? [])];
    const readers = dashboardQueries(d!).filter((q) => tables.some((t) => reads(q.sql, t)));
    expect(
      readers.map((q) => q.where),
      `${target.uid} reads one of ${tables.join(', ')}`,
    ).not.toEqual([]);
  });

  it('a rule that opens one panel names a panel of its dashboard with that title', () => {
    for (const [rule, target] of Object.entries(RULE_DASHBOARDS)) {
      if (!target.panel) continue;
      const panels = (dashboards.get(target.uid)?.panels ?? []) as Array<{ id?: number; title?: string }>;
      expect([rule, panels.find((p) => p.id === target.panel!.id)?.title]).toEqual([rule, target.panel.title]);
    }
  });

  it('a link opens the dashboard on the cluster, the instance(s) and the time before the alert', () => {
    const alert = (instance: string): GroupedAlert =>
      ({ firingSinceMs: 1_000_000_000, event: { fingerprint: instance, instance } }) as unknown as GroupedAlert;
    const bases = { grafanaUrl: 'https://grafana.example/', apiUrl: 'https://api.example' };
    const slow = new URL(groupLinks(bases, 'orders', 'blocking-command', [alert('a:1'), alert('b:2')]).dashboard);
    expect(slow.pathname).toBe('/d/redscope-slowlog');
    expect(slow.searchParams.get('var-cluster')).toBe('orders');
    expect(slow.searchParams.getAll('var-instance')).toEqual(['a:1', 'b:2']);
    expect(slow.searchParams.get('from')).toBe(String(1_000_000_000 - 15 * 60_000));
    expect(slow.searchParams.get('to')).toBe('now');
    const failover = new URL(groupLinks(bases, 'orders', 'failover', [alert('a:1')]).dashboard);
    expect(failover.pathname).toBe('/d/redscope-cluster-health');
    expect(failover.searchParams.has('var-instance')).toBe(false);
    const memory = new URL(
      groupLinks(bases, 'orders', 'memory-near-maxmemory', [alert('a:1'), alert('b:2')]).dashboard,
    );
    expect(memory.searchParams.getAll('var-instance')).toEqual(['a:1']);
    // A forecast opens the Memory panel over the hours its trend was fitted on.
    const forecast = new URL(groupLinks(bases, 'orders', 'memory-forecast', [alert('a:1')]).dashboard);
    expect(forecast.pathname).toBe('/d/redscope-instance-detail');
    expect(forecast.searchParams.get('from')).toBe(String(1_000_000_000 - 6 * 3_600_000));
    expect(forecast.searchParams.get('viewPanel')).toBe('2');
    const unknown = new URL(
      groupLinks(bases, 'orders', 'from-a-newer-producer', [alert('a:1'), alert('b:2')]).dashboard,
    );
    expect(unknown.pathname).toBe('/d/redscope-fleet-overview');
  });
});
