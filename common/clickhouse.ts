// ClickHouse clients. Each redscope process connects as the user of its role
// (clickhouse.users.<role>, else clickhouse.username/password): the migrator runs DDL
// (migrations, retention), the writer inserts, the reader (the API) only reads — so a
// leaked API credential cannot write or drop anything. Over https:// the server's
// certificate is verified (clickhouse.tls.caFile for a private CA; a client certificate
// for mutual TLS).
import { Agent } from 'node:https';
import { ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from './config.ts';
import type { ClickHouseCredentials, ClickHouseRole } from './config-security.ts';
import { tlsOptions } from './tls.ts';

export type { ClickHouseClient, ClickHouseRole };

/**
 * The ClickHouse error code of a failed request ('193'), or undefined when the server did
 * not answer with one (a timeout, a reset connection). @clickhouse/client parses only the
 * message format of newer servers (`Code: 60. DB::Exception`); 18.16 answers `Code: 60,
 * e.displayText() = …`, which reaches us as a plain Error — so the code is read from the
 * message as well.
 */
export function clickhouseErrorCode(err: unknown): string | undefined {
  if (err instanceof ClickHouseError) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return code;
  return /^Code: (\d+)[,.]/.exec(err instanceof Error ? err.message.trimStart() : '')?.[1];
}

/** The user and password a role connects with. */
export function clickhouseCredentials(config: Config['clickhouse'], role: ClickHouseRole): ClickHouseCredentials {
  return config.users?.[role] ?? { username: config.username, password: config.password };
}

export function createClickHouse(
  config: Config['clickhouse'],
  opts: { requestTimeoutMs?: number; role?: ClickHouseRole } = {},
): ClickHouseClient {
  const { username, password } = opts.role
    ? clickhouseCredentials(config, opts.role)
    : { username: config.username, password: config.password };
  const tls = config.url.startsWith('https:') ? tlsOptions(config.tls, 'clickhouse.tls') : undefined;
  return createClient({
    url: config.url,
    username,
    password,
    request_timeout: opts.requestTimeoutMs ?? config.requestTimeoutMs ?? 60_000,
    application: 'redscope',
    // The client would log every failed request with its settings and a stack trace;
    // callers log failures with what they were doing (and retried ones only now and then).
    log: { level: ClickHouseLogLevel.OFF },
    // ClickHouse closes idle keep-alive sockets after 3 s (18.16 default); reusing one
    // past that fails with EPIPE. Drop them a little earlier on our side.
    keep_alive: { enabled: true, idle_socket_ttl: 2000, eagerly_destroy_stale_sockets: true },
    // Our own agent rather than the client's `tls` option: it carries servername, and keeps
    // Basic auth (the client's TLS mode sends X-ClickHouse-Key headers instead).
    ...(tls ? { http_agent: new Agent({ ...tls, keepAlive: true, maxSockets: 10 }) } : {}),
  });
}
