// Auth, rate limiting and secrets: no token → 401, wrong → 401, read token on an admin
// route → 403, health open; a token never reaches a log line or a response; 429 past the limit.
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import { AUTH_OFF_WARNING, startApi } from '../api/server.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { ConfigError, loadConfig } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { testConfig } from './support/pipeline.ts';

const config = testConfig();
const clickhouse = createClickHouse(config.clickhouse);
const READ = 'read-token-7f3a9c1e5b2d4f60';
const ADMIN = 'admin-token-0c8e2a4b6d1f3e57';
const tokens = [
  { name: 'dev', token: READ, scope: 'read' as const },
  { name: 'ops', token: ADMIN, scope: 'admin' as const },
];

let logText = '';
const logStream = new Writable({
  write(chunk, _enc, done) {
    logText += String(chunk);
    done();
  },
});
const app = buildApp({
  clickhouse,
  database: config.clickhouse.database,
  tokens,
  rateLimitPerMinute: 50,
  logger: { level: 'debug', stream: logStream },
});
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

afterAll(async () => {
  await app.close();
  await clickhouse.close();
});

describe('auth', () => {
  it('no token → 401 with a WWW-Authenticate challenge', async () => {
    const res = await app.inject({ url: '/v1/clusters' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json().message).toMatch(/missing bearer token/);
  });

  it.each([
    ['a wrong token', 'Bearer nope-nope-nope-nope'],
    ['another scheme', `Basic ${READ}`],
    ['a token with junk after it', `Bearer ${READ} x`],
  ])('%s → 401', async (_what, header) => {
    const res = await app.inject({ url: '/v1/clusters', headers: { authorization: header } });
    expect(res.statusCode).toBe(401);
  });

  it('a read token reads; on an admin route it is 403, an admin token passes', async () => {
    expect((await app.inject({ url: '/v1/whoami', headers: bearer(READ) })).json()).toEqual({
      name: 'dev',
      scope: 'read',
      authEnabled: true,
    });
    const denied = await app.inject({ method: 'POST', url: '/v1/admin/cache/flush', headers: bearer(READ) });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().message).toMatch(/needs admin/);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/admin/cache/flush', headers: bearer(ADMIN) })).statusCode,
    ).toBe(200);
  });

  it('health, readiness and the docs are open', async () => {
    expect((await app.inject({ url: '/v1/health' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/ready' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/openapi.json' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/docs' })).statusCode).toBe(200);
  });

  it('tokens appear in no log line and no response', async () => {
    const bodies: string[] = [];
    for (const headers of [bearer(READ), bearer(ADMIN), bearer(`${READ}x`), {}]) {
      bodies.push((await app.inject({ url: '/v1/whoami', headers })).body);
      bodies.push((await app.inject({ url: '/v1/clusters/x/latency?from=bad', headers })).body);
    }
    expect(logText).toContain('incoming request'); // the log was written…
    for (const t of [READ, ADMIN]) {
      expect(logText).not.toContain(t); // …without the token
      for (const b of bodies) expect(b).not.toContain(t);
    }
  });

  it('the config refuses two names sharing one token, without printing it', () => {
    expect(() =>
      buildApp({ clickhouse, database: 'x', tokens: [tokens[0]!, { ...tokens[0]!, name: 'copy' }] }),
    ).toThrow(/"dev" and "copy" have the same token/);
  });
});

describe('rate limit', () => {
  it('429 past the per-token limit; other tokens and health are unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 55; i++)
      statuses.push((await app.inject({ url: '/v1/whoami', headers: bearer(READ) })).statusCode);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const limited = await app.inject({ url: '/v1/whoami', headers: bearer(READ) });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().message).toMatch(/rate limit of 50 requests per minute/);
    expect((await app.inject({ url: '/v1/whoami', headers: bearer(ADMIN) })).statusCode).toBe(200);
    for (let i = 0; i < 60; i++) expect((await app.inject({ url: '/v1/health' })).statusCode).toBe(200);
  });

  it('guessing tokens is limited per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++)
      statuses.push(
        (
          await app.inject({
            url: '/v1/clusters',
            headers: bearer(`guess-${i}-aaaaaaaaaaaaaa`),
            remoteAddress: '10.66.0.1',
          })
        ).statusCode,
      );
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('configuration', () => {
  it('REDSCOPE_API_TOKENS gives read tokens', () => {
    const c = loadConfig({ env: { REDSCOPE_API_TOKENS: `alice:${READ}, bob:${ADMIN}` } });
    expect(c.api.tokens).toEqual([
      { name: 'alice', token: READ, scope: 'read' },
      { name: 'bob', token: ADMIN, scope: 'read' },
    ]);
  });

  it('bad entries are refused with a message that does not echo the token', () => {
    expect(() => loadConfig({ env: { REDSCOPE_API_TOKENS: 'just-a-secret-value' } })).toThrow(ConfigError);
    let message = '';
    try {
      loadConfig({ env: { REDSCOPE_API_TOKENS: 'alice:short-secret' } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/api\/tokens\/0\/token/);
    expect(message).not.toContain('short-secret');
  });

  it('no tokens: the server warns loudly at start and every route is open', async () => {
    let out = '';
    const log = createLogger('test', 'warn');
    const warn = log.warn.bind(log);
    log.warn = ((o: unknown, ...rest: unknown[]) => {
      out += JSON.stringify([o, ...rest]);
      return warn(o as never, ...(rest as []));
    }) as typeof log.warn;
    const running = await startApi({ ...config, api: { ...config.api, port: 0, tokens: [] } }, log);
    try {
      expect(out).toContain(AUTH_OFF_WARNING);
      const res = await fetch(`${running.url}/v1/whoami`);
      expect(await res.json()).toEqual({ name: 'anonymous', scope: 'admin', authEnabled: false });
    } finally {
      await running.stop();
    }
  });
});
