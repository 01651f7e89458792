// Keyspace scans and hot keys (0007_keyspace.sql). "Now" is each instance's latest scan
// (scans are hours apart); growth compares each instance's first and last scan in a range.
// Aliases differ from column names (`keys_total`, not `keys`): an alias equal to the
// column it aggregates is refused by ClickHouse.
import { identifier, sql, SqlFragment, type SqlValue } from '../../common/sql.ts';
import { keysetAfter, orderBy, where, type KeyColumn } from './keyset.ts';

/** Latest scans are looked for this far back (one scan per shard every 6 h by default). */
export const SCAN_WINDOW_S = 7 * 86400;

export interface KeysScope {
  database: string;
  cluster: string;
  instance?: string;
  sinceSec: number;
}

/** `(instance[, method], ts_ms) IN (newest per instance[, method])`. */
function latestOnly(table: SqlFragment, s: KeysScope, perMethod = false): SqlFragment {
  const by = perMethod ? new SqlFragment('instance, method') : new SqlFragment('instance');
  return sql`(${by}, ts_ms) IN (SELECT ${by}, max(ts_ms) FROM ${table} ${scopeWhere(s)} GROUP BY ${by})`;
}

function scopeWhere(s: KeysScope, ...extra: Array<SqlFragment | false>): SqlFragment {
  return where([
    sql`cluster = ${s.cluster}`,
    sql`ts >= toDateTime(${s.sinceSec})`,
    s.instance !== undefined && sql`instance = ${s.instance}`,
    ...extra,
  ]);
}

// ---- big keys

export type BigKeyRanking = 'bytes' | 'length';

export const bigKeysKey = (ranking: BigKeyRanking): KeyColumn[] => [
  { expr: new SqlFragment(ranking === 'bytes' ? 'bytes' : 'length'), direction: 'desc' },
  { expr: new SqlFragment('instance'), direction: 'asc' },
  { expr: new SqlFragment('key'), direction: 'asc' },
];

export interface BigKeyRow {
  instance: string;
  scanned_on: string;
  ts_ms: string;
  key: string;
  pattern: string;
  type: string;
  bytes: string;
  length: string;
  ttl_ms: string;
}

export function bigKeysSql(
  s: KeysScope,
  ranking: BigKeyRanking,
  page: { after?: readonly SqlValue[]; limit: number },
): SqlFragment {
  const t = identifier(`${s.database}.big_keys`);
  const key = bigKeysKey(ranking);
  return sql`SELECT instance, scanned_on, ts_ms, key, pattern, type, bytes, length, ttl_ms
FROM ${t}
${scopeWhere(s, sql`ranking = ${ranking}`, latestOnly(t, s), page.after !== undefined && keysetAfter(key, page.after))}
ORDER BY ${orderBy(key)}
LIMIT ${page.limit + 1}`;
}

// ---- hot keys

export const HOT_KEYS_KEY: KeyColumn[] = [
  { expr: new SqlFragment('metric'), direction: 'asc' },
  { expr: new SqlFragment('score'), direction: 'desc' },
  { expr: new SqlFragment('instance'), direction: 'asc' },
  { expr: new SqlFragment('key'), direction: 'asc' },
  { expr: new SqlFragment('slot'), direction: 'asc' },
];

export interface HotKeyRow {
  instance: string;
  observed_on: string;
  method: string;
  metric: string;
  key: string;
  pattern: string;
  score: number;
  slot: number;
  slot_keys: string;
  ts_ms: string;
  window_ms: string;
}

export function hotKeysSql(
  s: KeysScope,
  metric: string | undefined,
  page: { after?: readonly SqlValue[]; limit: number },
): SqlFragment {
  const t = identifier(`${s.database}.hot_keys`);
  return sql`SELECT instance, observed_on, method, metric, key, pattern, score, slot, slot_keys, ts_ms, window_ms
FROM ${t}
${scopeWhere(s, metric === undefined ? sql`metric != 'slot'` : sql`metric = ${metric}`, latestOnly(t, s, true), page.after !== undefined && keysetAfter(HOT_KEYS_KEY, page.after))}
ORDER BY ${orderBy(HOT_KEYS_KEY)}
LIMIT ${page.limit + 1}`;
}

// ---- key patterns

export type PatternOrder = 'bytes' | 'keys' | 'no_ttl';
const PATTERN_ORDER: Record<PatternOrder, SqlFragment> = {
  bytes: new SqlFragment('bytes_total'),
  keys: new SqlFragment('keys_total'),
  no_ttl: new SqlFragment('no_ttl_total'),
};

export const patternsKey = (order: PatternOrder): KeyColumn[] => [
  { expr: PATTERN_ORDER[order], direction: 'desc' },
  { expr: new SqlFragment('pattern'), direction: 'asc' },
];

export interface PatternRow {
  pattern: string;
  pattern_type: string;
  keys_total: string;
  bytes_total: string;
  no_ttl_total: string;
  h_none: string;
  h_lt1m: string;
  h_lt1h: string;
  h_lt1d: string;
  h_lt7d: string;
  h_ge7d: string;
  biggest_key_bytes: string;
  example: string;
  instances: string;
  scanned_ms: string;
}

/** Each pattern summed over the latest scan of every instance. */
export function keyPatternsSql(
  s: KeysScope,
  order: PatternOrder,
  page: { after?: readonly SqlValue[]; limit: number },
): SqlFragment {
  const t = identifier(`${s.database}.key_patterns`);
  const key = patternsKey(order);
  return sql`SELECT pattern, if(uniqExact(type) = 1, any(type), 'mixed') AS pattern_type,
    sum(keys) AS keys_total, sum(bytes) AS bytes_total, sum(no_ttl) AS no_ttl_total,
    sum(ttl_none) AS h_none, sum(ttl_lt1m) AS h_lt1m, sum(ttl_lt1h) AS h_lt1h, sum(ttl_lt1d) AS h_lt1d, sum(ttl_lt7d) AS h_lt7d, sum(ttl_ge7d) AS h_ge7d,
    max(max_bytes) AS biggest_key_bytes, any(example_key) AS example, uniqExact(instance) AS instances, max(ts_ms) AS scanned_ms
FROM ${t}
${scopeWhere(s, latestOnly(t, s))}
GROUP BY pattern
${page.after !== undefined ? sql`HAVING ${keysetAfter(key, page.after)}` : new SqlFragment('')}
ORDER BY ${orderBy(key)}
LIMIT ${page.limit + 1}`;
}

// ---- growth

export interface GrowthRow {
  pattern: string;
  bytes_before: string;
  bytes_now: string;
  keys_before: string;
  keys_now: string;
  no_ttl_before: string;
  no_ttl_now: string;
  first_ms: string;
  last_ms: string;
  growth: string;
}

const GROWTH_EXPR: Record<PatternOrder, SqlFragment> = {
  bytes: new SqlFragment('toInt64(bytes_now) - toInt64(bytes_before)'),
  keys: new SqlFragment('toInt64(keys_now) - toInt64(keys_before)'),
  no_ttl: new SqlFragment('toInt64(no_ttl_now) - toInt64(no_ttl_before)'),
};

/**
 * Per pattern: totals in each instance's first and last scan within [from, to]. A pattern
 * missing from a first scan counts as 0 there (a new pattern grew from nothing).
 */
export function patternGrowthSql(s: KeysScope & { toSec: number }, order: PatternOrder, limit: number): SqlFragment {
  const t = identifier(`${s.database}.key_patterns`);
  const range = scopeWhere(s, sql`ts <= toDateTime(${s.toSec})`);
  return sql`SELECT pattern,
    sumIf(bytes, is_first) AS bytes_before, sumIf(bytes, is_last) AS bytes_now,
    sumIf(keys, is_first) AS keys_before, sumIf(keys, is_last) AS keys_now,
    sumIf(no_ttl, is_first) AS no_ttl_before, sumIf(no_ttl, is_last) AS no_ttl_now,
    minIf(ts_ms, is_first) AS first_ms, maxIf(ts_ms, is_last) AS last_ms,
    ${GROWTH_EXPR[order]} AS growth
FROM (
  SELECT pattern, bytes, keys, no_ttl, ts_ms,
    (instance, ts_ms) IN (SELECT instance, min(ts_ms) FROM ${t} ${range} GROUP BY instance) AS is_first,
    (instance, ts_ms) IN (SELECT instance, max(ts_ms) FROM ${t} ${range} GROUP BY instance) AS is_last
  FROM ${t}
  ${range}
)
WHERE is_first OR is_last
GROUP BY pattern
HAVING growth > 0
ORDER BY growth DESC, pattern ASC
LIMIT ${limit}`;
}
