// Every table the pipeline fills is on some dashboard — read by a panel, an annotation or a
// variable, directly or through a rollup it feeds — or named in dashboards/README.md
// ("Tables no panel reads") with the reason.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaStatements, singleServer } from '../clickhouse/migrate.ts';
import { renderDashboards } from './index.ts';
import { dashboardQueries } from './queries.ts';

const statements = schemaStatements(singleServer('db'));
// Tables a later migration drops (DROP TABLE IF EXISTS db.x) are no longer there to read.
const dropped = new Set(statements.flatMap((s) => /^DROP TABLE IF EXISTS `?db`?\.`?(\w+)/.exec(s)?.[1] ?? []));
const tables = statements
  .flatMap((s) => /^CREATE TABLE IF NOT EXISTS `?db`?\.`?(\w+)/.exec(s)?.[1] ?? [])
  .filter((t) => !dropped.has(t));
const feeds = new Map<string, string[]>();
for (const s of statements) {
  const view = /MATERIALIZED VIEW[\s\S]*?\bTO `?db`?\.`?(\w+)`?\s+AS[\s\S]*?\bFROM `?db`?\.`?(\w+)/.exec(s);
  if (view) feeds.set(view[2]!, [...(feeds.get(view[2]!) ?? []), view[1]!]);
}
const sql = renderDashboards()
  .flatMap((d) => dashboardQueries(d.dashboard))
  .map((q) => q.sql)
  .join('\n');
const readDirectly = (t: string) => new RegExp(`\\b(FROM|JOIN)\\s+${t}\\b`).test(sql);
const read = (t: string): boolean => readDirectly(t) || (feeds.get(t) ?? []).some(read);

/** `- \`table\` — reason` lines of the README's "Tables no panel reads" section. */
function listedInReadme(): Map<string, string> {
  const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  const section = readme.split('## Tables no panel reads')[1]?.split('\n## ')[0] ?? '';
  return new Map([...section.matchAll(/^- `(\w+)` — (.+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe('table coverage', () => {
  it('every table is read by a dashboard or listed in dashboards/README.md with the reason', () => {
    const listed = listedInReadme();
    expect(tables.length).toBeGreaterThan(20);
    expect(tables.filter((t) => !read(t) && !listed.has(t))).toEqual([]);
  });

  it('the README lists no table that a dashboard reads, nor one that does not exist', () => {
    const listed = [...listedInReadme().keys()];
    expect(listed.filter((t) => readDirectly(t) || !tables.includes(t))).toEqual([]);
  });
});
