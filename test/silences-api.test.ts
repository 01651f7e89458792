// /v1/silences on the real ClickHouse: create and expire need an admin token (read → 403,
// none → 401); bad input is a 400 naming the field; a created silence is listed as active,
// an expired one only with ?expired=true; the alert manager's reader sees exactly the open ones.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../alerts/store.ts';
import { buildApp } from '../api/app.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';

const config = testConfig();
const clickhouse = createClickHouse(config.clickhouse);
const READ = 'read-token-silences-0123456';
const ADMIN = 'admin-token-silences-0123456';
const app = buildApp({
  clickhouse,
  database: config.clickhouse.database,
  tokens: [
    { name: 'dev', token: READ, scope: 'read' },
    { name: 'ops', token: ADMIN, scope: 'admin' },
  ],
});
const as = (t: string) => ({ authorization: `Bearer ${t}` });
const body = {
  matchers: [
    { name: 'cluster', op: '=', value: 'orders' },
    { name: 'rule', op: '=', value: 'failover' },
  ],
  durationMs: 7_200_000,
  comment: 'upgrade',
};

beforeAll(() => migrate(clickhouse, config.clickhouse.database));
afterAll(async () => {
  await app.close();
  await clickhouse.close();
  await dropDatabase(config);
});

describe('/v1/silences', () => {
  it('creating one needs an admin token', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/silences', payload: body })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/silences', payload: body, headers: as(READ) })).statusCode,
    ).toBe(403);
  });

  it('bad input is a 400 that names the problem', async () => {
    const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/silences', payload, headers: as(ADMIN) });
    const cases: Array<[object, RegExp]> = [
      [{ ...body, matchers: [] }, /matchers/],
      [
        { ...body, matchers: [{ name: 'rule', op: '=~', value: '(' }] },
        /matchers\/0\/value: not a valid regular expression/,
      ],
      [{ ...body, comment: '' }, /comment/],
      [{ matchers: body.matchers, comment: 'x' }, /either endsAt or durationMs/],
      [{ ...body, durationMs: undefined, endsAt: '2001-01-01T00:00:00Z' }, /endsAt: must be in the future/],
      [{ ...body, durationMs: 100 * 86_400_000 }, /durationMs/],
    ];
    for (const [payload, message] of cases) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message).toMatch(message);
    }
  });

  it('an admin creates one (active, with who and why), everyone lists it, the manager reads it; expired, it leaves both', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/silences', payload: body, headers: as(ADMIN) });
    expect(created.statusCode).toBe(201);
    const s = created.json();
    expect(s).toMatchObject({ state: 'active', createdBy: 'ops', comment: 'upgrade', matchers: body.matchers });
    expect(s.endsAtMs - s.startsAtMs).toBe(7_200_000);

    const listed = await app.inject({ url: '/v1/silences', headers: as(READ) });
    expect(listed.json().items.map((x: { id: string }) => x.id)).toContain(s.id);
    const store = new AlertStore(clickhouse, config.clickhouse.database);
    expect((await store.openSilences(Date.now())).map((x) => x.id)).toEqual([s.id]);

    expect((await app.inject({ method: 'DELETE', url: `/v1/silences/${s.id}`, headers: as(READ) })).statusCode).toBe(
      403,
    );
    const expired = await app.inject({ method: 'DELETE', url: `/v1/silences/${s.id}`, headers: as(ADMIN) });
    expect(expired.statusCode).toBe(200);
    expect(expired.json().state).toBe('expired');
    await sleep(5); // the expiry is "now": be past it
    expect((await app.inject({ url: '/v1/silences', headers: as(READ) })).json().items).toEqual([]);
    const all = (await app.inject({ url: '/v1/silences?expired=true', headers: as(READ) })).json().items;
    expect(all.map((x: { id: string; state: string }) => [x.id, x.state])).toEqual([[s.id, 'expired']]);
    expect(await store.openSilences(Date.now())).toEqual([]);
    expect((await app.inject({ method: 'DELETE', url: '/v1/silences/nope-0', headers: as(ADMIN) })).statusCode).toBe(
      404,
    );
  });
});
