// The API against real ClickHouse: bad input is a 400 that says what is wrong, never a 500,
// and nothing a client sends can change a query's meaning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier } from '../common/sql.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { infoRows } from '../stream/rows/info-rows.ts';
import { dropDatabase, testConfig, uniqueName } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const config = testConfig();
const clickhouse = createClickHouse(config.clickhouse);
const app = buildApp({ clickhouse, database: config.clickhouse.database });
const cluster = uniqueName('api');
const now = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  await migrate(clickhouse, config.clickhouse.database);
  const rows = Array.from(
    { length: 12 },
    (_, i) =>
      infoRows(
        { ...syntheticInfo(cluster, i), ts: (now - 60 + i * 5) * 1000 },
        { topic: 't', partition: 0, offset: i },
      ).get('info_samples')![0]!,
  );
  await clickhouse.insert({
    table: identifier(`${config.clickhouse.database}.info_samples`).text,
    values: rows,
    format: 'JSONEachRow',
  });
});

afterAll(async () => {
  await app.close();
  await dropDatabase(config);
  await clickhouse.close();
});

const metrics = (qs: string, id = '10.0.0.1:7000') =>
  app.inject({ url: `/v1/instances/${encodeURIComponent(id)}/metrics?${qs}` });

describe('GET /v1/instances/:id/metrics', () => {
  it('returns the series asked for, averaged per step', async () => {
    const res = await metrics(`names=used_memory,connected_clients&from=${now - 120}&to=${now}&step=60`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.series.map((s: { name: string }) => s.name)).toEqual(['used_memory', 'connected_clients']);
    expect(body.series[0].points.length).toBeGreaterThan(0);
    expect(body.step).toBe(60);
  });

  it('answers a name it has never seen with an empty series, not an error', async () => {
    const res = await metrics(`names=no_such_field&from=${now - 120}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().series).toEqual([{ name: 'no_such_field', points: [] }]);
  });

  it.each([
    ['names missing', '', /names/],
    ['a name with SQL in it', "names=used_memory')%20OR%201=1--", /names/],
    ['more than 20 names', `names=${Array.from({ length: 21 }, (_, i) => `f${i}`).join(',')}`, /names/],
    ['an unparseable from', 'names=x&from=last%20week', /from: expected ISO 8601/],
    ['from after to', `names=x&from=${now}&to=${now - 10}`, /from: must be before to/],
    ['a range over 31 days', `names=x&from=${now - 40 * 86400}&to=${now}`, /31 days/],
    ['a huge step', 'names=x&step=99999999999999999999', /step/],
    ['a negative step', 'names=x&step=-5', /step/],
    ['an unknown parameter', 'names=x&format=csv', /format|additional/],
  ])('400 for %s, with a message saying what is wrong', async (_what, qs, message) => {
    const res = await metrics(qs);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
  });

  it('400 for an instance id that is not host:port', async () => {
    const res = await metrics('names=x', "x' OR '1'='1");
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/id/);
  });

  it('an instance id crafted as SQL matches nothing instead of everything', async () => {
    const res = await metrics(`names=used_memory&from=${now - 120}`, "10.0.0.1:7000'OR'1'='1:7000");
    expect(res.statusCode).toBe(200);
    expect(res.json().series[0].points).toEqual([]);
  });

  it('random input never produces a 500', async () => {
    const pieces = [
      "'",
      '"',
      '\\',
      '%00',
      '%27',
      ';',
      '--',
      '/*',
      '${x}',
      '{x:UInt8}',
      '1e309',
      '-0',
      'NaN',
      '\u202e',
      '%F0%9F%98%80',
      '999999999999999999999',
    ];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 200; i++) {
      const junk = Array.from({ length: 1 + rand(4) }, () => pieces[rand(pieces.length)]).join('');
      const field = ['names', 'from', 'to', 'step'][rand(4)]!;
      const res = await metrics(
        `names=used_memory&${field}=${encodeURIComponent(junk)}`,
        rand(3) === 0 ? `h${junk}:1` : '10.0.0.1:7000',
      );
      expect(res.statusCode, `${field}=${junk}`).toBeLessThan(500);
    }
  });
});

describe('health', () => {
  it('health and ready answer without auth', async () => {
    expect((await app.inject({ url: '/v1/health' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/v1/ready' })).statusCode).toBe(200);
  });
});
