// The time granularities of rollup tables, defined once: migrations instantiate a rollup
// template per granularity (migrate.ts, the `-- granularities:` line of a migration), and
// the API picks the table for a range from the same list (api/queries/latency-tier.ts).
// AggregatingMergeTree rollups defined in clickhouse/rollups.ts take their bucket and
// partition functions from here too (rollup-template.ts).
//
// A template statement uses:
//   {g}            the suffix: 1s, 1m, 1h (table names: command_histograms_{g})
//   {g_start}      the function giving the start of a bucket from a DateTime
//   {g_partition}  the partitioning function (daily, or monthly for the hour tables)
// All of them run on ClickHouse 18.16 (no toStartOfInterval there).

export interface Granularity {
  suffix: '1s' | '1m' | '1h';
  seconds: number;
  start: string;
  partition: string;
}

export const GRANULARITIES: Record<Granularity['suffix'], Granularity> = {
  // Per sample at the default 1 s INFO interval; toDateTime of a DateTime is itself.
  '1s': { suffix: '1s', seconds: 1, start: 'toDateTime', partition: 'toYYYYMMDD' },
  '1m': { suffix: '1m', seconds: 60, start: 'toStartOfMinute', partition: 'toYYYYMMDD' },
  '1h': { suffix: '1h', seconds: 3600, start: 'toStartOfHour', partition: 'toYYYYMM' },
};

const DIRECTIVE = /^--\s*granularities:\s*(.+)$/m;

/**
 * Expands a migration's statements once per granularity named on its `-- granularities:`
 * line (e.g. `-- granularities: 1s 1m 1h`); statements without `{g` placeholders pass once.
 */
export function expandGranularities(fileText: string, statements: string[]): string[] {
  const match = DIRECTIVE.exec(fileText);
  if (!match) return statements;
  const list = match[1]!.trim().split(/\s+/);
  const unknown = list.filter((s) => !(s in GRANULARITIES));
  if (unknown.length > 0)
    throw new Error(`unknown granularity ${unknown.join(', ')} (known: ${Object.keys(GRANULARITIES).join(', ')})`);
  return statements.flatMap((s) =>
    /\{g(_start|_partition)?\}/.test(s)
      ? list.map((name) => {
          const g = GRANULARITIES[name as Granularity['suffix']];
          return s
            .replaceAll('{g_start}', g.start)
            .replaceAll('{g_partition}', g.partition)
            .replaceAll('{g}', g.suffix);
        })
      : [s],
  );
}
