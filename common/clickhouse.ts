// ClickHouse clients. Each redscope process connects as the user of its role
// (clickhouse.users.<role>, else clickhouse.username/password): the migrator runs DDL
// (migrations, retention), the writer inserts, the reader (the API) only reads — so a
// leaked API credential cannot write or drop anything. Over https:// the server's
// certificate is verified (clickhouse.tls.caFile for a private CA; a client certificate
// for mutual TLS).
import { Agent } from 'node:https';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from './config.ts';
import type { ClickHouseCredentials, ClickHouseRole } from './config-security.ts';
import { tlsOptions } from './tls.ts';

export type { ClickHouseClient, ClickHouseRole };

/**
 * A ClickHouse error's code ('193'), or undefined. @clickhouse/client parses it from
 * current servers' messages only; 18.16 answers `Code: 193, e.displayText() = …`.
 */
export function clickhouseErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return code;
  return /^Code: (\d+)[,.]/.exec(err instanceof Error ? err.message : '')?.[1];
}

/** The user and password a role connects with. */
export function clickhouseCredentials(config: Config['clickhouse'], role: ClickHouseRole): ClickHouseCredentials {
  return config.users?.[role] ?? { username: config.username, password: config.password };
}

export function createClickHouse(
  config: Config['clickhouse'],
  opts: { requestTimeoutMs?: number; role?: ClickHouseRole; quiet?: boolean } = {},
): ClickHouseClient {
  const { username, password } = opts.role
    ? clickhouseCredentials(config, opts.role)
    : { username: config.username, password: config.password };
  const tls = config.url.startsWith('https:') ? tlsOptions(config.tls, 'clickhouse.tls') : undefined;
  return createClient({
    url: config.url,
    username,
    password,
    request_timeout: opts.requestTimeoutMs ?? 60_000,
    application: 'redscope',
    // quiet: the caller reports failures itself (the client logs each one with a stack trace).
    ...(opts.quiet ? { log: { level: ClickHouseLogLevel.OFF } } : {}),
    // ClickHouse closes idle keep-alive sockets after 3 s (18.16 default); reusing one
    // past that fails with EPIPE. Drop them a little earlier on our side.
    keep_alive: { enabled: true, idle_socket_ttl: 2000, eagerly_destroy_stale_sockets: true },
    // Our own agent rather than the client's `tls` option: it carries servername, and keeps
    // Basic auth (the client's TLS mode sends X-ClickHouse-Key headers instead).
    ...(tls ? { http_agent: new Agent({ ...tls, keepAlive: true, maxSockets: 10 }) } : {}),
  });
}
