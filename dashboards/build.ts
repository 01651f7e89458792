// `npm run dashboards`: writes dashboards/json/<uid>.json from the builders and removes JSON
// no builder produces any more. The JSON is committed; test/dashboards.test.ts fails when it
// differs from what this writes, so edit the builders, never the JSON.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { JSON_DIR, renderDashboards } from './index.ts';

mkdirSync(JSON_DIR, { recursive: true });
const rendered = renderDashboards();
const keep = new Set(rendered.map((d) => d.file));
for (const d of rendered) {
  writeFileSync(new URL(d.file, JSON_DIR), d.text);
  console.log(`dashboards/json/${d.file}  ${d.dashboard.title}  (${d.dashboard.panels?.length ?? 0} panels)`);
}
for (const file of readdirSync(JSON_DIR)) {
  if (file.endsWith('.json') && !keep.has(file)) {
    rmSync(new URL(file, JSON_DIR));
    console.log(`removed dashboards/json/${file} (no builder makes it)`);
  }
}
