// One ioredis connection per instance, tuned for monitoring rather than for an app:
// commands fail fast instead of queueing while the instance is down (the collector
// reports it as down and tries again on the next tick), and reconnects back off.
import { Redis } from 'ioredis';

export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: boolean;
}

export function connectRedis(ep: RedisEndpoint, timeoutMs: number): Redis {
  return new Redis({
    host: ep.host,
    port: ep.port,
    ...(ep.username ? { username: ep.username } : {}),
    ...(ep.password ? { password: ep.password } : {}),
    ...(ep.tls ? { tls: {} } : {}),
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

/** "host:port" → parts; ports validated by the config schema already. */
export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}
