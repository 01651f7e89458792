// A rollup defined once — its keys, its aggregate columns, its source — and written out as
// the statements of a migration: for each granularity (granularities.ts: 1s, 1m, 1h) and,
// where asked, for each scope (per instance, and per cluster without the instance key), an
// AggregatingMergeTree table and the materialized view that fills it. Each aggregate column
// is said once: its table type `AggregateFunction(f, T…)` and its view expression
// `fState(args) AS name` come from the same entry, so they cannot drift apart.
//
// A migration uses a rollup with a statement of its own, `{rollup:name}` (create) or
// `{drop_rollup:name}` (drop its views, then its tables). migrate.ts replaces it with the
// statements below before it computes the checksum, so a checksum covers the statements a
// rollup expands to: a definition that an applied migration uses is as frozen as that
// migration (clickhouse/applied-migrations.test.ts); a new rollup gets a new definition.
// The statements still carry the placeholders of expand.ts ({table:…}, {lc:…}, …). Pure.
import { GRANULARITIES, type Granularity } from './granularities.ts';
import { MigrationSyntaxError } from './expand.ts';

export interface AggregateColumn {
  /** Column of the rollup table. */
  name: string;
  /** Aggregate function with its parameters: `sum`, `argMaxIf`, `quantilesTDigest(0.5, 0.99)`. */
  fn: string;
  /** Its arguments, expressions over a row of the source table (none for `count`). */
  args: string[];
  /** The arguments' types, as `AggregateFunction(fn, …types)` declares them. */
  types: string[];
}

/** A key column; `bucket` is the start of the time bucket, from the source's `ts`. */
export type RollupKey = { name: string; type: string } | 'bucket';

export interface Rollup {
  /**
   * Table name: `<name>_<g>` per granularity, `<name>_cluster_<g>` for the per-cluster
   * scope; the name itself for a rollup without granularities (one row per key, no bucket).
   */
  name: string;
  /** The table the views read: the one the processor inserts into (a view writing TO a table does not fire that table's views on 18.16). */
  source: string;
  /** Key columns in table, ORDER BY, SELECT and GROUP BY order. */
  keys: RollupKey[];
  granularities: Array<Granularity['suffix']>;
  /** Also `<name>_cluster_<g>`: the same rollup without the `instance` key, for cluster-wide reads. */
  perCluster?: boolean;
  columns: AggregateColumn[];
  /** `ARRAY JOIN …` clause of the views (without the keywords). */
  arrayJoin?: string;
  where?: string;
  /** SETTINGS index_granularity of the tables. */
  indexGranularity?: number;
}

interface Instance {
  table: string;
  keys: RollupKey[];
  granularity?: Granularity;
}

/** The tables of a rollup, granularity by granularity (per instance, then per cluster). */
function instances(r: Rollup): Instance[] {
  if (r.granularities.length === 0) {
    if (r.keys.includes('bucket')) throw new MigrationSyntaxError(`rollup ${r.name}: a bucket key needs granularities`);
    return [{ table: r.name, keys: r.keys }];
  }
  if (!r.keys.includes('bucket')) throw new MigrationSyntaxError(`rollup ${r.name}: granularities need a bucket key`);
  const perCluster = r.keys.filter((k) => k === 'bucket' || k.name !== 'instance');
  if (r.perCluster && perCluster.length === r.keys.length)
    throw new MigrationSyntaxError(`rollup ${r.name}: perCluster needs an instance key`);
  return r.granularities.flatMap((suffix) => {
    const granularity = GRANULARITIES[suffix];
    const one = { table: `${r.name}_${suffix}`, keys: r.keys, granularity };
    return r.perCluster ? [one, { table: `${r.name}_cluster_${suffix}`, keys: perCluster, granularity }] : [one];
  });
}

const keyName = (k: RollupKey) => (k === 'bucket' ? 'bucket' : k.name);

/** `quantilesTDigest(0.5)` → `quantilesTDigestState(0.5)`: the -State combinator goes before the parameters. */
function state(fn: string): string {
  const paren = fn.indexOf('(');
  return paren < 0 ? `${fn}State` : `${fn.slice(0, paren)}State${fn.slice(paren)}`;
}

function createTable(r: Rollup, i: Instance): string {
  const columns = [
    ...i.keys.map((k) => (k === 'bucket' ? 'bucket DateTime' : `${k.name} ${k.type}`)),
    ...r.columns.map((c) => `${c.name} AggregateFunction(${[c.fn, ...c.types].join(', ')})`),
  ];
  return [
    `CREATE TABLE IF NOT EXISTS {table:${i.table}}`,
    '(',
    `    ${columns.join(',\n    ')}`,
    ')',
    'ENGINE = {engine:AggregatingMergeTree}',
    ...(i.granularity ? [`PARTITION BY ${i.granularity.partition}(bucket)`] : []),
    `ORDER BY (${i.keys.map(keyName).join(', ')})`,
    ...(r.indexGranularity ? [`SETTINGS index_granularity = ${r.indexGranularity}`] : []),
  ].join('\n');
}

function createView(r: Rollup, i: Instance): string {
  const keys = i.keys.map((k) => (k === 'bucket' ? `${i.granularity!.start}(ts) AS bucket` : k.name));
  const aggregates = r.columns.map((c) => `${state(c.fn)}(${c.args.join(', ')}) AS ${c.name}`);
  return [
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {view:${i.table}_mv} TO {local:${i.table}} AS`,
    `SELECT ${keys.join(', ')},`,
    `    ${aggregates.join(',\n    ')}`,
    `FROM {local:${r.source}}`,
    ...(r.arrayJoin ? [`ARRAY JOIN ${r.arrayJoin}`] : []),
    ...(r.where ? [`WHERE ${r.where}`] : []),
    `GROUP BY ${i.keys.map(keyName).join(', ')}`,
  ].join('\n');
}

/** Each table of the rollup followed by its view. */
export function createRollup(r: Rollup): string[] {
  return instances(r).flatMap((i) => [createTable(r, i), createView(r, i)]);
}

/** Every view of the rollup (nothing is written to a table being dropped), then every table. */
export function dropRollup(r: Rollup): string[] {
  const all = instances(r);
  return [
    ...all.map((i) => `DROP TABLE IF EXISTS {view:${i.table}_mv}`),
    ...all.map((i) => `DROP TABLE IF EXISTS {table:${i.table}}`),
  ];
}

const STATEMENT = /^\{(rollup|drop_rollup):\s*([a-z0-9_]+)\s*\}$/;

/** The rollups that `{rollup:…}` / `{drop_rollup:…}` statements name, once each. */
export function rollupsNamed(statements: readonly string[]): string[] {
  return [...new Set(statements.flatMap((s) => STATEMENT.exec(s.trim())?.[2] ?? []))];
}

/**
 * A migration's statements with each `{rollup:name}` / `{drop_rollup:name}` statement
 * replaced by what the rollup `name` of `rollups` expands to. Other statements pass as they are.
 */
export function expandRollups(statements: readonly string[], rollups: Readonly<Record<string, Rollup>>): string[] {
  return statements.flatMap((s) => {
    const m = STATEMENT.exec(s.trim());
    if (!m) {
      if (/\{(drop_)?rollup:/.test(s))
        throw new MigrationSyntaxError(`{rollup:…} must be a statement of its own: ${s.slice(0, 100)}`);
      return [s];
    }
    const rollup = rollups[m[2]!];
    if (!rollup)
      throw new MigrationSyntaxError(`unknown rollup ${m[2]} (known: ${Object.keys(rollups).join(', ') || 'none'})`);
    return m[1] === 'rollup' ? createRollup(rollup) : dropRollup(rollup);
  });
}
