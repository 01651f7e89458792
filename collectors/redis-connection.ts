// One ioredis connection per instance, tuned for monitoring rather than for an app:
// commands fail fast instead of queueing while the instance is down (the collector
// reports it as down and tries again on the next tick), and reconnects back off.
//
// TLS: the server's certificate is verified against tls.caFile (or the system's CAs) and
// must name the host connected to — for cluster nodes discovered by IP (CLUSTER NODES
// announces addresses, not names) that means IP addresses in the certificates, or one
// name they all carry set as tls.serverName (sent as SNI and checked instead of the IP).
import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import type { TlsSetting } from '../common/config-security.ts';
import { errorMessage } from '../common/errors.ts';
import { tlsOptions, withTlsHint } from '../common/tls.ts';

export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: TlsSetting;
}

// Files are read once per setting (the collector connects to every discovered node with the same one).
const loadedTls = new WeakMap<object, ConnectionOptions | undefined>();

function redisTls(setting: TlsSetting | undefined): ConnectionOptions | undefined {
  if (typeof setting !== 'object') return tlsOptions(setting, 'tls');
  if (!loadedTls.has(setting)) loadedTls.set(setting, tlsOptions(setting, 'tls'));
  return loadedTls.get(setting);
}

export function connectRedis(ep: RedisEndpoint, timeoutMs: number): Redis {
  return new Redis({
    host: ep.host,
    port: ep.port,
    ...(ep.username ? { username: ep.username } : {}),
    ...(ep.password ? { password: ep.password } : {}),
    ...(ep.tls ? { tls: redisTls(ep.tls) } : {}),
    connectionName: 'redscope-collector',
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
    // Reconnect quickly at first, then at most every 5 s, forever: an instance that comes back is picked up.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
  });
}

export class RedisConnectError extends Error {
  override name = 'RedisConnectError';
}

/**
 * Connects, and when that fails says why: ioredis rejects with "Connection is closed." and
 * reports the cause (refused, TLS, auth) only as an 'error' event, which this captures.
 */
export async function connectWithReason(redis: Redis): Promise<void> {
  let cause: unknown;
  const onError = (err: unknown) => {
    cause ??= err;
  };
  redis.on('error', onError);
  try {
    await redis.connect();
  } catch (err) {
    const why = cause ?? err;
    throw new RedisConnectError(withTlsHint(errorMessage(why), why, Boolean(redis.options.tls)), { cause: why });
  } finally {
    redis.off('error', onError);
  }
}

/** "host:port" → parts; ports validated by the config schema already. */
export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}
