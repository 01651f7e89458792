// Helpers for integration tests: an isolated configuration (own ClickHouse database,
// own consumer group) against the shared local stack, and small polling utilities.
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { createClickHouse } from '../../common/clickhouse.ts';
import { defaultConfig, type Config } from '../../common/config.ts';
import { createLogger } from '../../common/log.ts';
import { identifier } from '../../common/sql.ts';
import { stackEndpoints, stackPortsFromEnv } from '../../stack/index.ts';

export const endpoints = stackEndpoints(stackPortsFromEnv());

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** A config pointing at the local stack, with a database and consumer group of its own. */
export function testConfig(name = uniqueName('t')): Config {
  const base = defaultConfig();
  return {
    ...base,
    kafka: { ...base.kafka, brokers: endpoints.kafkaBrokers, clientId: `redscope-${name}` },
    clickhouse: { ...base.clickhouse, url: endpoints.clickhouseUrl, database: `redscope_${name}` },
    collector: {
      ...base.collector,
      clusters: [{ name: 'local', seeds: endpoints.redisSeeds.slice(0, 1) }],
      infoEveryMs: 500,
      health: { host: '127.0.0.1', port: 0 },
    },
    stream: { ...base.stream, groupId: `redscope-${name}`, lingerMs: 200, health: null },
    alerts: { ...base.alerts, health: null },
  };
}

export const quietLog = createLogger('test', process.env.REDSCOPE_TEST_LOG ?? 'silent');

export async function dropDatabase(config: Config): Promise<void> {
  // ClickHouse 18.16 drops a database's materialized views one by one, slowly on a busy
  // machine (over a minute seen): more than the client's default request timeout.
  const ch = createClickHouse(config.clickhouse, { requestTimeoutMs: 300_000 });
  await ch.command({ query: `DROP DATABASE IF EXISTS ${identifier(config.clickhouse.database).text}` });
  await ch.close();
}

/** Polls `fn` until it returns a value accepted by `done`, or fails with the last value seen. */
export async function eventually<T>(
  fn: () => Promise<T>,
  done: (v: T) => boolean,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: T | undefined;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (done(last)) return last;
    } catch (err) {
      lastErr = err;
    }
    await sleep(opts.intervalMs ?? 250);
  }
  throw new Error(
    `timed out waiting for ${opts.what ?? 'condition'}; last value: ${JSON.stringify(last)}${lastErr ? `; last error: ${String(lastErr)}` : ''}`,
  );
}
