// Starts the API: builds it from the config, refuses to serve an open API by accident,
// warns loudly when auth is off, listens.
import { isIP } from 'node:net';
import type { Config } from '../common/config.ts';
import { ConfigError } from '../common/config.ts';
import type { Logger } from '../common/log.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { buildApp } from './app.ts';

export const AUTH_OFF_WARNING =
  "API AUTH IS OFF: no api.tokens configured (nor REDSCOPE_API_TOKENS), so anyone who can reach this port can read every cluster's data. Configure tokens before exposing it.";

/** Only this machine can connect: 127.0.0.0/8, ::1, localhost. `0.0.0.0`, `::` and any other address are not. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '::ffff:127.0.0.1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Without tokens the API serves only loopback, unless `api.allowNoAuth` says an open API is
 * wanted. Returns the warning to print, or throws ConfigError naming the ways out.
 */
export function authPolicy(api: Config['api']): { warning: string | null } {
  if (api.tokens.length > 0) return { warning: null };
  if (isLoopbackHost(api.host)) return { warning: AUTH_OFF_WARNING };
  if (!api.allowNoAuth)
    throw new ConfigError(
      `refusing to serve the API on ${api.host} without tokens: anyone who can reach it could read every cluster's data. ` +
        'Configure api.tokens (or REDSCOPE_API_TOKENS), or listen on 127.0.0.1 only; to serve it without auth on purpose, ' +
        'set api.allowNoAuth: true (REDSCOPE_API_ALLOW_NO_AUTH=true, or `redscope api --allow-no-auth`).',
    );
  return {
    warning: `${AUTH_OFF_WARNING} api.allowNoAuth is set and the API listens on ${api.host}, a non-loopback address: it is open to the network ON PURPOSE.`,
  };
}

export async function startApi(config: Config, log: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const { warning } = authPolicy(config.api);
  // The reader answers every query (clickhouse.users.reader: it cannot write); the writer
  // only stores silences, behind the admin token.
  const clickhouse = createClickHouse(config.clickhouse, { requestTimeoutMs: 15_000, role: 'reader' });
  const clickhouseWriter = createClickHouse(config.clickhouse, { requestTimeoutMs: 15_000, role: 'writer' });
  const app = buildApp({
    clickhouse,
    clickhouseWriter,
    database: config.clickhouse.database,
    logger: {
      level: log.level,
      redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    tokens: config.api.tokens,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    ...(config.api.trustProxy !== undefined ? { trustProxy: config.api.trustProxy } : {}),
  });
  if (warning) {
    log.warn(warning);
    console.error(`\n*** ${warning} ***\n`);
  } else {
    // Names and scopes only: tokens never reach a log line.
    log.info({ tokenNames: config.api.tokens.map((t) => `${t.name} (${t.scope})`) }, 'API auth on');
  }
  const address = await app.listen({ host: config.api.host, port: config.api.port });
  log.info({ address, docs: `${address}/docs` }, 'API listening');
  return {
    url: address,
    async stop() {
      await app.close();
      await Promise.all([clickhouse.close(), clickhouseWriter.close()]);
    },
  };
}
