import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from './config.ts';

export type { ClickHouseClient };

export function createClickHouse(config: Config['clickhouse'], opts: { requestTimeoutMs?: number } = {}): ClickHouseClient {
  return createClient({
    url: config.url,
    username: config.username,
    password: config.password,
    request_timeout: opts.requestTimeoutMs ?? 60_000,
    application: 'redscope',
  });
}
