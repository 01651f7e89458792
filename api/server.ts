// Starts the API: builds it from the config, warns loudly when auth is off, listens.
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/log.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { buildApp } from './app.ts';

export const AUTH_OFF_WARNING =
  "API AUTH IS OFF: no api.tokens configured (nor REDSCOPE_API_TOKENS), so anyone who can reach this port can read every cluster's data. Configure tokens before exposing it.";

export async function startApi(config: Config, log: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  // The reader: the API never writes, so its credentials cannot (clickhouse.users.reader).
  const clickhouse = createClickHouse(config.clickhouse, { requestTimeoutMs: 15_000, role: 'reader' });
  const app = buildApp({
    clickhouse,
    database: config.clickhouse.database,
    logger: {
      level: log.level,
      redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    tokens: config.api.tokens,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
  });
  if (config.api.tokens.length === 0) {
    log.warn(AUTH_OFF_WARNING);
    console.error(`\n*** ${AUTH_OFF_WARNING} ***\n`);
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
      await clickhouse.close();
    },
  };
}
