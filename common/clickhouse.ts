import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from './config.ts';

export type { ClickHouseClient };

export function createClickHouse(
  config: Config['clickhouse'],
  opts: { requestTimeoutMs?: number } = {},
): ClickHouseClient {
  return createClient({
    url: config.url,
    username: config.username,
    password: config.password,
    request_timeout: opts.requestTimeoutMs ?? 60_000,
    application: 'redscope',
    // ClickHouse closes idle keep-alive sockets after 3 s (18.16 default); reusing one
    // past that fails with EPIPE. Drop them a little earlier on our side.
    keep_alive: { enabled: true, idle_socket_ttl: 2000, eagerly_destroy_stale_sockets: true },
  });
}
