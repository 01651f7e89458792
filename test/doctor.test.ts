// `redscope doctor` on the real services: a well-configured collector, stream processor and
// API pass every check; a Redis user missing commands, a Kafka user missing ACLs, a
// ClickHouse reader that can write, a wrong password and a revoked chat webhook each fail
// with the fix; chat receivers get a dry run that posts nothing; and no secret appears in
// what it prints, also through the real command line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runDoctor } from '../cli/doctor/index.ts';
import type { Check } from '../cli/doctor/report.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { collectorAclSetuser } from '../collectors/redis-acl.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import { leaks } from '../common/testing/leak.ts';
import type { StackCredentials } from '../stack/credentials.ts';
import { stackSecurity } from '../stack/index.ts';
import type { StackTls } from '../stack/tls.ts';
import { dropDatabase, endpoints, testConfig } from './support/pipeline.ts';
import { startStandaloneRedis, type StandaloneRedis } from './support/standalone-redis.ts';

const REDIS_PW = 'doctor-redis-Pw-41c2';
const base = testConfig();
let tls: StackTls;
let creds: StackCredentials;
let redis: StandaloneRedis;
let chat: Server;
let chatPort = 0;
const chatBodies: string[] = [];

beforeAll(async () => {
  ({ tls, credentials: creds } = await stackSecurity());
  redis = await startStandaloneRedis('doctor');
  const admin = redis.client();
  // docs/security.md's least-privilege user, and one without CONFIG GET and SLOWLOG GET.
  await admin.call(...(collectorAclSetuser('redscope', REDIS_PW).split(' ') as [string, ...string[]]));
  await admin.call('ACL', 'SETUSER', 'limited', 'on', `>${REDIS_PW}`, '~*', '+@all', '-config|get', '-slowlog|get');
  // A Slack-compatible endpoint: the webhook /services/GOOD exists, /services/REVOKED does not.
  chat = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      chatBodies.push(body);
      if (req.url?.includes('REVOKED')) res.writeHead(404).end('no_service');
      else res.writeHead(400).end('no_text');
    });
  });
  await new Promise<void>((r) => chat.listen(0, '127.0.0.1', r));
  chatPort = (chat.address() as { port: number }).port;
  await migrate(createClickHouse(base.clickhouse), base.clickhouse.database);
});

afterAll(async () => {
  await redis?.stop();
  if (chat) await new Promise((r) => chat.close(r));
  await dropDatabase(base);
});

/** A production-like config: Redis ACL user, Kafka SCRAM over TLS as `kafkaRole`, ClickHouse role users over HTTPS. */
function secured(kafkaRole: 'collector' | 'stream' | 'alerts' = 'collector', redisUser = 'redscope'): Config {
  return {
    ...base,
    collector: {
      ...base.collector,
      clusters: [],
      instances: [{ address: `127.0.0.1:${redis.port}`, username: redisUser, password: REDIS_PW }],
    },
    kafka: {
      ...base.kafka,
      brokers: endpoints.kafkaSaslSslBrokers,
      tls: { caFile: tls.caFile },
      sasl: { mechanism: 'scram-sha-512', ...creds.kafka[kafkaRole] },
    },
    clickhouse: {
      ...base.clickhouse,
      url: endpoints.clickhouseHttpsUrl,
      tls: { caFile: tls.caFile },
      username: 'nobody',
      password: 'unused-base-password',
      users: creds.clickhouse,
    },
    alerts: {
      ...base.alerts,
      routes: [{ match: {}, receiver: 'ops' }],
      receivers: [{ name: 'ops', type: 'slack', url: `http://127.0.0.1:${chatPort}/services/GOOD/T0K3Nsecret` }],
    },
  };
}

const withoutRedscopeVariables = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('REDSCOPE_')));

const failures = (checks: Check[]) => checks.filter((c) => c.status === 'fail');
const secrets = () => [
  REDIS_PW,
  creds.kafka.collector.password,
  creds.kafka.stream.password,
  ...Object.values(creds.clickhouse).map((u) => u.password),
  'T0K3Nsecret',
];

describe('redscope doctor', () => {
  it('passes a well-configured collector, stream processor and API, and prints no secret', async () => {
    for (const [role, kafkaRole] of [
      ['collector', 'collector'],
      ['stream', 'stream'],
      ['api', 'collector'],
    ] as const) {
      const { checks, text, ok } = await runDoctor(secured(kafkaRole), role);
      expect(failures(checks), `${role}:\n${text}`).toEqual([]);
      expect(ok).toBe(true);
      expect(leaks([text], secrets())).toEqual([]);
    }
  });

  it('names the Redis commands a user lacks, with the ACL SETUSER that fixes it', async () => {
    const { checks } = await runDoctor(secured('collector', 'limited'), 'collector');
    const fail = failures(checks).find((c) => c.link.startsWith('Redis'));
    expect(fail?.message).toMatch(/user limited may not run: slowlog\|get, config\|get/);
    expect(fail?.fix).toMatch(/^ACL SETUSER limited \+slowlog\|get \+config\|get/);
  });

  it('a Kafka user without the ACLs of the role it is used for fails, with the kafka-acls.sh line', async () => {
    // The collector's user, checked as the stream processor: it may not read samples nor write alert events.
    const { checks } = await runDoctor(secured('collector'), 'stream');
    const missing = failures(checks).filter((c) => c.link === 'Kafka');
    expect(missing.map((c) => c.message)).toContain('topic redscope.info.v1: redscope-collector lacks READ');
    expect(missing.map((c) => c.message)).toContain(
      'topic redscope.alerts.v1: redscope-collector lacks WRITE, DESCRIBE',
    );
    expect(missing[0]?.fix).toMatch(/kafka-acls\.sh .*--allow-principal User:redscope-collector .*--topic/);
  });

  it('a reader that can write, and a wrong password, fail with the setting to change', async () => {
    const config = secured();
    const wrong: Config = {
      ...config,
      clickhouse: {
        ...config.clickhouse,
        users: {
          reader: creds.clickhouse.writer, // the writer's user can write: not a reader
          writer: { username: creds.clickhouse.writer.username, password: 'Wr0ng-password-9' },
        },
      },
    };
    const { checks, text } = await runDoctor(wrong, 'all');
    expect(failures(checks).map((c) => `${c.link}: ${c.message}`)).toEqual(
      expect.arrayContaining([
        'ClickHouse reader (user redscope_writer): the reader can write and drop tables',
        expect.stringMatching(/^ClickHouse writer \(user redscope_writer\): cannot log in at .*Wrong password/),
      ]),
    );
    expect(text).toMatch(/fix: check clickhouse\.users\.writer/);
    expect(leaks([text], [...secrets(), 'Wr0ng-password-9'])).toEqual([]);
  });

  it('chat receivers get a dry run that posts nothing: a live webhook passes, a revoked one fails', async () => {
    const config = secured();
    const withRevoked: Config = {
      ...config,
      alerts: {
        ...config.alerts,
        receivers: [
          ...config.alerts.receivers,
          { name: 'old', type: 'slack', url: `http://127.0.0.1:${chatPort}/services/REVOKED/Old5ecretT0ken` },
          { name: 'generic', type: 'webhook', url: `http://127.0.0.1:${chatPort}/hook/Gen3ricT0ken` },
        ],
      },
    };
    chatBodies.length = 0;
    const { checks, text } = await runDoctor(withRevoked, 'alerts');
    const chatChecks = checks.filter((c) => c.link.startsWith('chat receiver'));
    expect(chatChecks.find((c) => c.link.startsWith('chat receiver ops'))?.status).toBe('ok');
    expect(chatChecks.find((c) => c.link.startsWith('chat receiver old') && c.status === 'fail')?.message).toMatch(
      /refused: HTTP 404 no_service/,
    );
    expect(chatChecks.find((c) => c.link.startsWith('chat receiver generic'))?.message).toMatch(/reachable/);
    // What reached the endpoint: empty payloads only (the generic webhook was only connected to).
    expect(chatBodies).toEqual(['{}', '{}']);
    expect(leaks([text], [...secrets(), 'Old5ecretT0ken', 'Gen3ricT0ken'])).toEqual([]);
  });

  it('as a command: exit code 1 on a problem, the report on stdout, no secret anywhere', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redscope-doctor-'));
    const file = join(dir, 'redscope.yaml');
    const config = secured('collector', 'limited');
    writeFileSync(file, stringify({ collector: { instances: config.collector.instances }, kafka: config.kafka }));
    const res = spawnSync('npx', ['tsx', 'cli/redscope.ts', '--config', file, 'doctor', '--role', 'collector'], {
      encoding: 'utf8',
      timeout: 60_000,
      // The file alone describes the links: no REDSCOPE_* of this shell (they would override it).
      env: { ...withoutRedscopeVariables(process.env), REDSCOPE_LOG_LEVEL: 'warn' },
    });
    expect(res.status, res.stderr).toBe(1);
    expect(res.stdout).toMatch(/✗ user limited may not run/);
    expect(res.stdout).toMatch(/✓ connects to .* \(TLS, SASL scram-sha-512 as redscope-collector\)/);
    expect(leaks([res.stdout, res.stderr], secrets())).toEqual([]);
  });
});
