// Starts the API: waits for the schema, then listens.
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/log.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { buildApp } from './app.ts';

export async function startApi(config: Config, log: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const clickhouse = createClickHouse(config.clickhouse, { requestTimeoutMs: 15_000 });
  const app = buildApp({ clickhouse, database: config.clickhouse.database, logger: { level: log.level } });
  const address = await app.listen({ host: config.api.host, port: config.api.port });
  log.info({ address }, 'API listening');
  return {
    url: address,
    async stop() {
      await app.close();
      await clickhouse.close();
    },
  };
}
