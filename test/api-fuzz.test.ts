// Fuzzing every route: random strings, huge numbers and SQL fragments in every path and
// query parameter never produce a 5xx, and never change what a query means (a crafted value
// matches nothing instead of everything).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier } from '../common/sql.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { infoRows } from '../stream/rows/info-rows.ts';
import { slowlogRows } from '../stream/rows/slowlog-rows.ts';
import { dropDatabase, testConfig, uniqueName } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const config = testConfig();
const db = config.clickhouse.database;
const clickhouse = createClickHouse(config.clickhouse);
const app = buildApp({ clickhouse, database: db, rateLimitPerMinute: 1_000_000 });
const cluster = uniqueName('fuzz');
const now = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  await migrate(clickhouse, db);
  const info = Array.from(
    { length: 12 },
    (_, i) =>
      infoRows(
        { ...syntheticInfo(cluster, i), ts: (now - 120 + i * 10) * 1000 },
        { topic: 't', partition: 0, offset: i },
      ).get('info_samples')![0]!,
  );
  await clickhouse.insert({ table: identifier(`${db}.info_samples`).text, values: info, format: 'JSONEachRow' });
  const entries = Array.from({ length: 5 }, (_, id) => ({
    id,
    loggedAtS: now - 60,
    durationUs: 20_000,
    command: 'get',
    args: ['k'],
    argCount: 2,
    argsTruncated: false,
    clientAddr: '10.1.1.1:5000',
    clientName: 'w',
  }));
  const rows = slowlogRows(
    {
      v: 1,
      kind: 'slowlog',
      ts: now * 1000,
      instance: { id: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, cluster },
      collector: 't',
      runId: 'r',
      entries,
      reset: false,
      missed: 0,
    },
    { topic: 't', partition: 0, offset: 1 },
  );
  await clickhouse.insert({
    table: identifier(`${db}.slowlog`).text,
    values: rows.get('slowlog')!,
    format: 'JSONEachRow',
  });
});

afterAll(async () => {
  await app.close();
  await dropDatabase(config);
  await clickhouse.close();
});

/** Each route with the parameters it takes; `:cluster` and `:id` are path parameters. */
const ROUTES: Array<[string, string[]]> = [
  ['/v1/clusters', ['limit', 'cursor']],
  ['/v1/clusters/:cluster/instances', ['role', 'health', 'limit', 'cursor']],
  ['/v1/clusters/:cluster/topology/changes', ['from', 'to', 'kind', 'node', 'limit', 'cursor']],
  ['/v1/instances/:id/metrics', ['names', 'from', 'to', 'step']],
  ['/v1/clusters/:cluster/latency', ['instance', 'command', 'from', 'to', 'step']],
  ['/v1/clusters/:cluster/latency/commands', ['instance', 'command', 'from', 'to', 'order', 'limit', 'minCalls']],
  [
    '/v1/clusters/:cluster/latency/compare',
    ['instance', 'command', 'from', 'to', 'baselineFrom', 'baselineTo', 'order', 'limit'],
  ],
  [
    '/v1/clusters/:cluster/slowlog',
    ['instance', 'command', 'client', 'from', 'to', 'minDurationUs', 'limit', 'cursor'],
  ],
  ['/v1/clusters/:cluster/slowlog/patterns', ['instance', 'command', 'client', 'from', 'to', 'order', 'limit']],
  ['/v1/clusters/:cluster/keys/big', ['instance', 'by', 'limit', 'cursor']],
  ['/v1/clusters/:cluster/keys/hot', ['instance', 'metric', 'limit', 'cursor']],
  ['/v1/clusters/:cluster/keys/patterns', ['instance', 'order', 'limit', 'cursor']],
  ['/v1/clusters/:cluster/keys/patterns/growth', ['instance', 'from', 'to', 'order', 'limit']],
  ['/v1/clusters/:cluster/events', ['from', 'to', 'rule', 'severity', 'limit', 'cursor']],
  ['/v1/alerts', ['cluster', 'status', 'severity', 'rule', 'limit', 'cursor']],
  ['/v1/alerts/history', ['cluster', 'from', 'to', 'rule', 'severity', 'fingerprint', 'transition', 'limit', 'cursor']],
  ['/v1/freshness', ['cluster', 'windowS']],
];

const PIECES = [
  "'",
  '"',
  '\\',
  '%00',
  '%27',
  ';',
  '--',
  '/*',
  '*/',
  '${x}',
  '{x:UInt8}',
  '1e309',
  '-0',
  'NaN',
  'Infinity',
  '\u202e',
  '%F0%9F%98%80',
  '999999999999999999999',
  "' OR 1=1 --",
  '); DROP TABLE slowlog; --',
  'UNION ALL SELECT 1',
  '\\x27',
  '0x7f',
  '10.0.0.1:7000',
  'get',
  'bytes',
  '2026-11-25T10:00:00Z',
  String(now),
  '-1',
  'eyJ2IjoxLCJzIjoieCIsImsiOlsxXX0',
  '%ZZ',
  '[]',
  '{}',
  'a'.repeat(3000),
  ' ',
  '+',
  ',',
  ',,',
  'x:1',
  '🙂:70000',
];

describe('fuzzing every route', () => {
  it('random values in every parameter never produce a 5xx', async () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const junk = () => Array.from({ length: 1 + rand(3) }, () => PIECES[rand(PIECES.length)]).join('');
    for (const [route, params] of ROUTES) {
      for (let i = 0; i < 40; i++) {
        const path = route
          .replace(':cluster', encodeURIComponent(rand(3) === 0 ? junk() : cluster))
          .replace(':id', encodeURIComponent(rand(2) === 0 ? junk() : '10.0.0.1:7000'));
        const qs = params.filter(() => rand(2) === 0).map((p) => `${p}=${encodeURIComponent(junk())}`);
        if (route.endsWith('/metrics')) qs.push('names=used_memory');
        const url = `${path}?${qs.join('&')}`;
        const res = await app.inject({ url });
        expect(res.statusCode, `${url} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (res.statusCode >= 400) expect(res.json().message, url).toMatch(/\w/);
      }
    }
  });

  it('raw, undecoded junk in the URL is a 4xx too', async () => {
    for (const url of [
      '/v1/clusters/%E0%A4%A/instances',
      '/v1/clusters/a%00b/slowlog',
      '/v1/clusters/x/slowlog?from=%',
      '/v1/clusters/x/latency?from=1&from=2',
    ]) {
      expect((await app.inject({ url })).statusCode, url).toBeLessThan(500);
    }
  });
});

describe('values cannot change what a query means', () => {
  const slowlog = (qs: string) => app.inject({ url: `/v1/clusters/${cluster}/slowlog?from=${now - 3600}&${qs}` });

  it('the baseline: the entries are there', async () => {
    expect((await slowlog('')).json().items).toHaveLength(5);
  });

  it.each([
    ['client', "10.1.1.1'OR'1'='1"],
    ['client', "w'--"],
    ['instance', "10.0.0.1:7000'OR'1'='1:7000"],
  ])('%s=%s matches nothing', async (param, value) => {
    const res = await slowlog(`${param}=${encodeURIComponent(value)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([]);
  });

  it.each([
    [`/v1/clusters/${encodeURIComponent("x' OR 1=1 --")}/slowlog`, /cluster/],
    [`/v1/clusters/${cluster}/slowlog?command=${encodeURIComponent("get' OR 1=1")}`, /command/],
    [`/v1/clusters/${cluster}/latency?command=${encodeURIComponent("get') OR (1=1")}`, /command/],
    [`/v1/clusters/${cluster}/latency/commands?order=${encodeURIComponent('calls; DROP TABLE x')}`, /order/],
    [`/v1/clusters/${cluster}/topology/changes?kind=role,nope`, /kind: unknown change kind "nope"/],
    [`/v1/clusters/${cluster}/slowlog?cursor=${'A'.repeat(40)}`, /cursor: not a cursor returned by this API/],
    [`/v1/clusters/${cluster}/latency?step=99999999999999999999`, /step/],
    [
      `/v1/clusters/${cluster}/latency/compare?baselineFrom=${now}&baselineTo=${now - 5}`,
      /baselineFrom: must be before baselineTo/,
    ],
    [`/v1/freshness?windowS=1e309`, /windowS: must be a finite number/],
    [`/v1/clusters/${cluster}/latency/commands?limit=Infinity`, /limit/],
  ])('%s is a 400 that names the problem', async (url, message) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
  });

  it('a cursor from one query is refused by a query with other filters', async () => {
    const first = (await slowlog('limit=2')).json();
    expect(first.nextCursor).toEqual(expect.any(String));
    const res = await slowlog(`limit=2&command=set&cursor=${first.nextCursor}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/other filters/);
  });
});
