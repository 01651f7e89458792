// `npm run bench -- <name>`: runs one benchmark, prints a table, writes bench/results/<name>.json.
// Each benchmark measures redscope against a baseline in the same run: the machine is
// shared and noisy, so only same-run ratios compare.
import { mkdirSync, writeFileSync } from 'node:fs';

export interface BenchResult {
  /** Rows printed as a table. */
  table: Array<Record<string, string | number>>;
  /** Everything measured, written as JSON. */
  figures: Record<string, unknown>;
}

type Bench = () => Promise<BenchResult>;

/** The registry: one line per benchmark. */
const BENCHES: Record<string, () => Promise<{ default: Bench }>> = {
  pipeline: () => import('./pipeline.ts'),
  api: () => import('./api.ts'),
  failover: () => import('./failover.ts'),
  collector: () => import('./collector.ts'),
  scan: () => import('./scan.ts'),
  quiet: () => import('./quiet.ts'),
};

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !(name in BENCHES)) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|') || 'name'}>`);
    process.exit(2);
  }
  const run = (await BENCHES[name]!()).default;
  const result = await run();
  console.table(result.table);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const file = new URL(`./results/${name}.json`, import.meta.url);
  writeFileSync(file, JSON.stringify({ name, at: new Date().toISOString(), ...result.figures }, null, 2));
  console.log(`figures written to bench/results/${name}.json`);
  // A benchmark stops what it started, but a client library may keep a timer or socket
  // alive; the run is over, and it must not hold the shared heavy-run lock any longer.
  process.exit(0);
}

await main();
