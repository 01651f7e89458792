// Nothing open by accident, and abuse limits: the API refuses to serve without tokens on a
// non-loopback address unless told to (and then says so loudly); behind a proxy, clients
// are rate-limited one by one; readiness pings ClickHouse at most once a second however
// often it is polled; oversized bodies, headers and path parameters are refused.
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'node:http';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../api/app.ts';
import { API_LIMITS } from '../api/limits.ts';
import { authPolicy, isLoopbackHost, startApi } from '../api/server.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { ConfigError, type Config } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { testConfig } from './support/pipeline.ts';

const config = testConfig();
const clickhouse = createClickHouse(config.clickhouse);
const TOKEN = 'security-test-token-5e1f0a9b';
afterAll(() => clickhouse.close());

/** A logger whose warnings are collected, plus what the process printed with console.error. */
function capture() {
  const lines: string[] = [];
  const log = createLogger('test', 'warn');
  const warn = log.warn.bind(log);
  log.warn = ((o: unknown, ...rest: unknown[]) => {
    lines.push(JSON.stringify([o, ...rest]));
    return warn(o as never, ...(rest as []));
  }) as typeof log.warn;
  const printed = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  return { log, text: () => lines.join('\n'), restore: () => printed.mockRestore() };
}

const apiConfig = (api: Partial<Config['api']>): Config => ({ ...config, api: { ...config.api, port: 0, ...api } });

describe('nothing open by accident', () => {
  it('tells loopback addresses from the others', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '', '10.0.0.5', 'api.example.com', '128.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('refuses to start on a non-loopback address without tokens, naming the ways out', async () => {
    const err = await startApi(apiConfig({ host: '0.0.0.0', tokens: [] }), createLogger('test', 'silent')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect(String(err)).toMatch(/refusing to serve the API on 0\.0\.0\.0 without tokens/);
    expect(String(err)).toMatch(/api\.tokens.*REDSCOPE_API_TOKENS.*127\.0\.0\.1.*api\.allowNoAuth.*--allow-no-auth/);
  });

  it('with allowNoAuth it serves without tokens, and says so loudly in the log and on stderr', async () => {
    const c = capture();
    try {
      const running = await startApi(apiConfig({ host: '0.0.0.0', tokens: [], allowNoAuth: true }), c.log);
      try {
        const port = new URL(running.url).port;
        expect((await fetch(`http://127.0.0.1:${port}/v1/whoami`)).status).toBe(200);
      } finally {
        await running.stop();
      }
    } finally {
      c.restore();
    }
    expect(c.text()).toMatch(/\*\*\* API AUTH IS OFF.*open to the network ON PURPOSE/);
  });

  it('with tokens it serves any address, without warning; on loopback without tokens it warns', () => {
    const withToken = apiConfig({ host: '0.0.0.0', tokens: [{ name: 'a', token: TOKEN, scope: 'read' }] });
    expect(authPolicy(withToken.api)).toEqual({ warning: null });
    expect(authPolicy(apiConfig({ host: '127.0.0.1', tokens: [] }).api).warning).toMatch(/API AUTH IS OFF/);
  });
});

describe('abuse limits', () => {
  const limited = (trustProxy?: Config['api']['trustProxy']) =>
    buildApp({
      clickhouse,
      database: config.clickhouse.database,
      rateLimitPerMinute: 3,
      ...(trustProxy !== undefined ? { trustProxy } : {}),
    });
  const statuses = async (app: ReturnType<typeof limited>, forwardedFor: string, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++)
      out.push(
        (
          await app.inject({
            url: '/v1/whoami',
            remoteAddress: '127.0.0.1',
            headers: { 'x-forwarded-for': forwardedFor },
          })
        ).statusCode,
      );
    return out;
  };

  it('behind a trusted proxy, each client (X-Forwarded-For) has its own rate limit bucket', async () => {
    const app = limited(['127.0.0.1']);
    try {
      expect(await statuses(app, '10.0.0.1', 4)).toEqual([200, 200, 200, 429]);
      expect(await statuses(app, '10.0.0.2', 3)).toEqual([200, 200, 200]);
    } finally {
      await app.close();
    }
  });

  it('without trustProxy the header is ignored: a client cannot pick a fresh IP to escape its limit', async () => {
    const app = limited();
    try {
      expect(await statuses(app, '10.0.0.1', 3)).toEqual([200, 200, 200]);
      expect(await statuses(app, '10.0.0.2', 1)).toEqual([429]);
    } finally {
      await app.close();
    }
  });

  it('a hop count trusts that many proxies: the client is the address that many hops back', async () => {
    const app = limited(1);
    try {
      // One trusted hop: the client is the last address in X-Forwarded-For (10.0.0.9, then
      // 10.0.0.7), not the first one, which the client itself may have written.
      expect(await statuses(app, '10.0.0.8, 10.0.0.9', 4)).toEqual([200, 200, 200, 429]);
      expect(await statuses(app, '10.0.0.8, 10.0.0.7', 1)).toEqual([200]);
    } finally {
      await app.close();
    }
  });

  it('readiness pings ClickHouse at most once per second, however many ask at once', async () => {
    let pings = 0;
    const counting = createClickHouse(config.clickhouse);
    const ping = counting.ping.bind(counting);
    counting.ping = (async (...args: Parameters<typeof ping>) => {
      pings++;
      return ping(...args);
    }) as typeof counting.ping;
    const app = buildApp({ clickhouse: counting, database: config.clickhouse.database });
    try {
      const burst = await Promise.all(Array.from({ length: 50 }, () => app.inject({ url: '/v1/ready' })));
      expect(burst.every((r) => r.statusCode === 200)).toBe(true);
      for (let i = 0; i < 20; i++) await app.inject({ url: '/v1/ready' });
      expect(pings).toBe(1);
      await sleep(API_LIMITS.readyCacheMs + 100);
      expect((await app.inject({ url: '/v1/ready' })).json()).toEqual({ status: 'ready' });
      expect(pings).toBe(2);
    } finally {
      await app.close();
      await counting.close();
    }
  });

  it('refuses an oversized body (413), oversized headers (431) and an oversized path parameter (414)', async () => {
    const app = buildApp({ clickhouse, database: config.clickhouse.database });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    try {
      const big = await fetch(`http://127.0.0.1:${port}/v1/admin/cache/flush`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pad: 'x'.repeat(API_LIMITS.bodyBytes) }),
      });
      expect(big.status).toBe(413);
      const headers = await rawStatus(port, { 'x-pad': 'x'.repeat(API_LIMITS.headerBytes) });
      expect(headers).toBe(431);
      const param = await fetch(
        `http://127.0.0.1:${port}/v1/clusters/${'c'.repeat(API_LIMITS.paramChars + 1)}/instances`,
      );
      expect(param.status).toBe(414);
      expect((await fetch(`http://127.0.0.1:${port}/v1/health`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

/** The status of a GET sent with node:http (fetch refuses to send some oversized headers itself). */
function rawStatus(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/health', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
