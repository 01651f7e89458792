import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
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
    request_timeout: opts.requestTimeoutMs ?? config.requestTimeoutMs ?? 60_000,
    application: 'redscope',
    // ClickHouse closes idle keep-alive sockets after 3 s (18.16 default); reusing one
    // past that fails with EPIPE. Drop them a little earlier on our side.
    keep_alive: { enabled: true, idle_socket_ttl: 2000, eagerly_destroy_stale_sockets: true },
    // Every failed request would be logged here with its settings; callers log failures
    // with what they were doing (and retried ones only once in a while).
    log: { level: ClickHouseLogLevel.OFF },
  });
}

/**
 * The ClickHouse error code of a failed request, or undefined when the server did not
 * answer with one (a timeout, a reset connection). The client parses only the message
 * format of newer servers (`Code: 60. DB::Exception`); 18.16 answers `Code: 60,
 * e.displayText() = …`, which reaches us as a plain Error — so the code is read from the
 * message as well.
 */
export function clickhouseErrorCode(err: unknown): string | undefined {
  if (err instanceof ClickHouseError) return err.code;
  if (!(err instanceof Error)) return undefined;
  return /^Code: (\d+)[.,]/.exec(err.message.trimStart())?.[1];
}
