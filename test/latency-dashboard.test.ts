// The dashboards compute per-call percentiles in SQL (dashboards/lib/histogram-sql.ts), the
// API in TypeScript (common/histogram-quantile.ts). They must say the same thing: checked
// on random histograms, for both bucket ladders, on ClickHouse 18.16 and current ClickHouse
// (chDB), and on the Command latency dashboard's own panels against the API over the same rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@clickhouse/client';
import { buildApp } from '../api/app.ts';
import { commandBuckets, probeBuckets, percentiles } from '../api/latency-figures.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier } from '../common/sql.ts';
import { BUCKET_COUNT, PROBE_BUCKET_UPPER_US, PROBE_OVERFLOW_LE_US, type InfoSampleV1 } from '../contracts/index.ts';
import { commandLatency } from '../dashboards/builders/command-latency.ts';
import { histogramQuantileSql, PROBE_LADDER } from '../dashboards/lib/histogram-sql.ts';
import { expandMacros } from '../dashboards/macros.ts';
import { dashboardQueries } from '../dashboards/queries.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { runOnCurrentClickHouse } from '../stack/chdb.ts';
import { infoRows } from '../stream/rows/info-rows.ts';
import { allOf, queryVariables } from './support/dashboard-run.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

/** Deterministic pseudo-random numbers. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Histogram = Map<number, number>;

function randomHistograms(keys: readonly number[], count: number, seed: number): Histogram[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const h: Histogram = new Map();
    const n = 1 + Math.floor(r() * 6);
    for (let j = 0; j < n; j++) {
      const k = keys[Math.floor(r() * keys.length)]!;
      h.set(k, (h.get(k) ?? 0) + 1 + Math.floor(r() * (r() < 0.3 ? 10_000 : 20)));
    }
    return h;
  });
}

const LEVELS = [0.5, 0.9, 0.99, 0.999];
const COMMAND_KEYS = Array.from({ length: BUCKET_COUNT }, (_, k) => k);
const PROBE_KEYS = [...PROBE_BUCKET_UPPER_US.slice(0, 40), PROBE_OVERFLOW_LE_US];

/** One SELECT computing every level for every histogram, one row per histogram. */
function quantileQuery(hs: Histogram[], keyType: string, probe: boolean): string {
  const rows = hs.map((h, i) => {
    const sorted = [...h].sort((a, b) => a[0] - b[0]);
    return `SELECT ${i} AS id, (CAST([${sorted.map((e) => e[0]).join(',')}] AS Array(${keyType})), CAST([${sorted.map((e) => e[1]).join(',')}] AS Array(UInt64))) AS h`;
  });
  const levels = LEVELS.map((q) => `${histogramQuantileSql(q, 'h', probe ? PROBE_LADDER : undefined)} AS q${q * 1000}`);
  return `SELECT id, ${levels.join(', ')} FROM (${rows.join(' UNION ALL ')}) ORDER BY id`;
}

function expected(hs: Histogram[], probe: boolean): number[][] {
  return hs.map((h) => {
    const p = percentiles((probe ? probeBuckets : commandBuckets)(h));
    return [p.p50!, p.p90!, p.p99!, p.p999!];
  });
}

const commandHistograms = randomHistograms(COMMAND_KEYS, 150, 11);
const probeHistograms = randomHistograms(PROBE_KEYS, 150, 12);
const queries = [quantileQuery(commandHistograms, 'UInt8', false), quantileQuery(probeHistograms, 'UInt32', true)];
const want = [expected(commandHistograms, false), expected(probeHistograms, true)];

function compare(got: number[][], exp: number[][]): void {
  expect(got).toHaveLength(exp.length);
  for (const [i, row] of got.entries())
    for (const [j, v] of row.entries()) expect(v, `histogram ${i}, level ${LEVELS[j]}`).toBeCloseTo(exp[i]![j]!, 2);
}

describe('per-call percentiles in SQL equal the API', () => {
  const config = testConfig();

  it('on random histograms, both ladders, ClickHouse 18.16', async () => {
    const ch = createClickHouse(config.clickhouse);
    try {
      for (const [k, query] of queries.entries()) {
        const rs = await ch.query({ query, format: 'JSONCompact' });
        const body = (await rs.json()) as unknown as { data: unknown[][] };
        compare(
          body.data.map((r) => r.slice(1).map(Number)),
          want[k]!,
        );
      }
    } finally {
      await ch.close();
    }
  });

  it('on random histograms, both ladders, current ClickHouse (chDB)', async () => {
    const run = await runOnCurrentClickHouse(queries.map((q) => `${q} FORMAT TSV`));
    for (const [k, r] of run.results.entries()) {
      expect(r.ok, r.error).toBe(true);
      compare(
        r
          .output!.trim()
          .split('\n')
          .map((line) => line.split('\t').slice(1).map(Number)),
        want[k]!,
      );
    }
  });
});

describe('the Command latency dashboard agrees with the API', () => {
  const config = testConfig();
  const db = config.clickhouse.database;
  const admin = createClickHouse(config.clickhouse);
  const ch = createClient({ url: config.clickhouse.url, database: db });
  const app = buildApp({ clickhouse: admin, database: db });
  const cluster = 'dash';
  const nowSec = Math.floor(Date.now() / 1000);
  const fromSec = Math.floor((nowSec - 2 * 3600) / 60) * 60;
  const toSec = Math.floor(nowSec / 60) * 60 - 1;
  const r = rng(5);

  beforeAll(async () => {
    await migrate(admin, db);
    const samples: InfoSampleV1[] = [];
    for (let t = fromSec + 5; t < toSec; t += 30)
      for (let i = 0; i < 3; i++) {
        const base = syntheticInfo(cluster, i, 3);
        const slow = Math.floor(r() * 4);
        samples.push({
          ...base,
          ts: t * 1000,
          commands: [
            {
              command: 'get',
              calls: 0,
              usec: 0,
              callsDelta: 100,
              usecDelta: 200,
              latencyBuckets: [60, 30, 10 - slow, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, slow],
            },
            {
              command: 'hgetall',
              calls: 0,
              usec: 0,
              callsDelta: 10,
              usecDelta: 900,
              latencyBuckets: [0, 0, 0, 0, 0, 2, 7 - i, 1 + i],
            },
          ],
        });
      }
    await admin.insert({
      table: identifier(`${db}.info_samples`).text,
      values: samples.flatMap((m, k) => infoRows(m, { topic: 't', partition: 0, offset: k }).get('info_samples')!),
      format: 'JSONEachRow',
    });
  });

  afterAll(async () => {
    await app.close();
    await ch.close();
    await dropDatabase(config);
    await admin.close();
  });

  const panel = (title: string) => {
    const dashboard = commandLatency();
    const q = dashboardQueries(dashboard).find((x) => x.where.endsWith(`/ ${title}`));
    if (!q) throw new Error(`no panel ${title}`);
    return expandMacros(q.sql, {
      fromSec,
      toSec,
      intervalSec: 60,
      variables: {
        cluster: { values: [cluster], all: true, multi: true },
        // "All" as Grafana sends it: the variable's custom all value selects the cluster-wide rows.
        instance: allOf(queryVariables(dashboard).find((v) => v.name === 'instance')!, []),
        command: { values: ['get'] },
      },
    });
  };

  it('the slowest-commands table: the same p50, p99 and p99.9 per command over the range', async () => {
    const rs = await ch.query({
      query: panel('Slowest commands (per-call p99 over the range)'),
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{
      command: string;
      total_calls: string;
      p50_us: number;
      p99_us: number;
      p999_us: number;
    }>();
    const api = (
      await app.inject({ url: `/v1/clusters/${cluster}/latency/commands?from=${fromSec}&to=${toSec}` })
    ).json();
    expect(rows.map((x) => x.command).sort()).toEqual(['get', 'hgetall']);
    for (const row of rows) {
      const item = api.items.find((x: { command: string }) => x.command === row.command);
      expect(Number(row.total_calls)).toBe(item.calls);
      expect(row.p50_us).toBeCloseTo(item.p50, 1);
      expect(row.p99_us).toBeCloseTo(item.p99, 1);
      expect(row.p999_us).toBeCloseTo(item.p999, 1);
    }
  });

  it('the per-call p99 series: the same value at every minute as the API series', async () => {
    const rs = await ch.query({ query: panel('Per-call p99 (top 10 commands)'), format: 'JSONEachRow' });
    const rows = await rs.json<{ t: string; command: string; p99_us: number }>();
    const api = (
      await app.inject({ url: `/v1/clusters/${cluster}/latency?command=get&from=${fromSec}&to=${toSec}&step=60` })
    ).json();
    const byT = new Map(api.points.map((p: { t: number; p99: number }) => [p.t, p.p99]));
    const get = rows.filter((x) => x.command === 'get');
    expect(get.length).toBeGreaterThan(100);
    for (const row of get) {
      const t = Date.parse(`${row.t.replace(' ', 'T')}Z`) / 1000;
      expect(row.p99_us, `t=${row.t}`).toBeCloseTo(byT.get(t) as number, 2);
    }
  });
});
