// The shared leak check (common/testing/leak.ts) for the credentials of every link, on the
// real services: a wrong password and a server that is not there, for Redis (an ACL user),
// Kafka (SCRAM over TLS) and ClickHouse (a role user) — through the code paths that report
// them: discovery, the collector's health and logs, the Kafka sink, the stream processor's
// start, the API's answers and request log. No password may appear in any of it, while
// the failure itself must be reported.
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import { discoverCluster } from '../collectors/discovery.ts';
import { startCollector } from '../collectors/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import { createKafka } from '../common/kafka.ts';
import { capturingLogger, errorSurfaces, leaks } from '../common/testing/leak.ts';
import { stackSecurity } from '../stack/index.ts';
import { startStream } from '../stream/index.ts';
import { endpoints, eventually, testConfig } from './support/pipeline.ts';
import { startStandaloneRedis, type StandaloneRedis } from './support/standalone-redis.ts';

const REDIS_PW = 'Redis-LEAK-pw-7f3a91';
const KAFKA_PW = 'Kafka-LEAK-pw-2c8e55';
const CH_PW = 'ClickHouse-LEAK-pw-9d04b7';
const SECRETS = [REDIS_PW, KAFKA_PW, CH_PW, encodeURIComponent(REDIS_PW)];

let redis: StandaloneRedis;
let closedPort: number;
const base = testConfig();

beforeAll(async () => {
  // An ACL user whose real password is not the one the tests use.
  redis = await startStandaloneRedis('leak', ['--user', 'redscope', 'on', '>the-right-password', '~*', '+@all']);
  // A port nobody listens on: bound, then released.
  closedPort = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
});
afterAll(() => redis?.stop());

/** Runs `fn`, returning everything it exposed: logs, the thrown error or the returned text. */
async function exposed(fn: (log: ReturnType<typeof capturingLogger>['log']) => Promise<unknown>): Promise<string[]> {
  const { log, lines } = capturingLogger();
  const surfaces: string[] = [];
  try {
    const out = await fn(log);
    surfaces.push(typeof out === 'string' ? out : JSON.stringify(out));
  } catch (err) {
    surfaces.push(...errorSurfaces(err));
  }
  return [...surfaces, ...lines];
}

function expectNoLeak(surfaces: string[], reported: RegExp): void {
  expect(leaks(surfaces, SECRETS)).toEqual([]);
  expect(surfaces.join('\n'), 'the failure is reported').toMatch(reported);
}

describe('Redis passwords', () => {
  const target = (port: number) => ({
    name: 'leak',
    seeds: [`127.0.0.1:${port}`],
    username: 'redscope',
    password: REDIS_PW,
  });

  it.each([
    ['a wrong password', () => redis.port, /WRONGPASS|invalid username-password/],
    ['nothing listening', () => closedPort, /ECONNREFUSED/],
  ])('%s: discovery errors and logs carry no password', async (_what, port, reported) => {
    expectNoLeak(await exposed(() => discoverCluster(target(port()), 2000)), reported);
  });

  it.each([
    ['a wrong password', () => redis.port, /WRONGPASS|invalid username-password/],
    ['nothing listening', () => closedPort, /ECONNREFUSED/],
  ])("%s: the collector's health and logs carry no password", async (_what, port, reported) => {
    const surfaces = await exposed(async (log) => {
      const config: Config = {
        ...base,
        collector: {
          ...base.collector,
          clusters: [],
          instances: [{ address: `127.0.0.1:${port()}`, username: 'redscope', password: REDIS_PW }],
        },
      };
      const running = await startCollector(config, log);
      try {
        return await eventually(
          async () => running.collector.health().filter((h) => h.lastError !== null),
          (failing) => failing.length > 0,
          { what: 'a sampler to report the failure' },
        );
      } finally {
        await running.stop();
      }
    });
    expectNoLeak(surfaces, reported);
  });
});

describe('Kafka passwords', () => {
  let kafka: Config['kafka'];
  beforeAll(async () => {
    const { tls, credentials } = await stackSecurity();
    kafka = {
      ...base.kafka,
      brokers: endpoints.kafkaSaslSslBrokers,
      tls: { caFile: tls.caFile },
      sasl: { mechanism: 'scram-sha-512', username: credentials.kafka.collector.username, password: KAFKA_PW },
    };
  });

  it.each([
    ['a wrong password', () => kafka.brokers, /authentication failed/i],
    ['nothing listening', () => [`127.0.0.1:${closedPort}`], /ECONNREFUSED|Connection error|failed to connect/i],
  ])('%s: client errors and kafkajs log lines carry no password', async (_what, brokers, reported) => {
    const surfaces = await exposed(async (log) => {
      const admin = createKafka({ ...kafka, brokers: brokers() }, log, { initialRetryTime: 50, retries: 1 }).admin();
      try {
        await admin.connect();
        return await admin.listTopics();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    });
    expectNoLeak(surfaces, reported);
  });

  it("a wrong password: the collector's Kafka sink reports it in health without the password", async () => {
    const surfaces = await exposed(async (log) => {
      const running = await startCollector({ ...base, kafka }, log);
      try {
        return await eventually(
          async () => running.sink.stats().lastError,
          (e) => e !== null,
          { what: 'the sink to report the failure', timeoutMs: 30_000 },
        );
      } finally {
        await running.stop();
      }
    });
    expectNoLeak(surfaces, /authentication failed/i);
  });
});

describe('ClickHouse passwords', () => {
  let clickhouse: Config['clickhouse'];
  beforeAll(async () => {
    const { tls, credentials } = await stackSecurity();
    const wrong = (role: 'migrator' | 'writer' | 'reader') => ({
      username: credentials.clickhouse[role].username,
      password: CH_PW,
    });
    clickhouse = {
      ...base.clickhouse,
      url: endpoints.clickhouseHttpsUrl,
      tls: { caFile: tls.caFile },
      password: CH_PW,
      users: { migrator: wrong('migrator'), writer: wrong('writer'), reader: wrong('reader') },
    };
  });
  const at = (url: string) => ({ ...clickhouse, url });

  it.each([
    ['a wrong password', () => clickhouse.url, /Wrong password|Authentication failed/],
    ['nothing listening', () => `https://127.0.0.1:${closedPort}`, /ECONNREFUSED/],
  ])('%s: the stream processor fails to start without quoting it', async (_what, url, reported) => {
    expectNoLeak(await exposed((log) => startStream({ ...base, clickhouse: at(url()) }, log)), reported);
  });

  it.each([
    ['a wrong password', () => clickhouse.url, /internal error|unreachable/],
    ['nothing listening', () => `https://127.0.0.1:${closedPort}`, /unreachable/],
  ])("%s: the API's answers and its request log carry no password", async (_what, url, reported) => {
    let requestLog = '';
    const client = createClickHouse(at(url()), { role: 'reader' });
    const app = buildApp({
      clickhouse: client,
      database: base.clickhouse.database,
      logger: {
        level: 'trace',
        stream: new Writable({
          write: (chunk, _enc, done) => {
            requestLog += String(chunk);
            done();
          },
        }),
      },
    });
    try {
      const answers = [];
      for (const path of ['/v1/clusters', '/v1/ready', '/v1/freshness']) {
        const res = await app.inject({ url: path });
        answers.push(`${res.statusCode} ${res.body}`);
      }
      expectNoLeak([...answers, requestLog], reported);
      expect(requestLog).toMatch(/Wrong password|ECONNREFUSED/); // the cause is in the log, for ops
    } finally {
      await app.close();
      await client.close();
    }
  });
});
