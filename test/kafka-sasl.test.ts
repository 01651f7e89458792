// Kafka security on the real broker's SASL_SSL listener (stack/kafka-security.ts): the whole
// pipeline — collector → stream processor → ClickHouse, and an alert through the alert
// manager and the outbox to chat — runs over TLS with SCRAM, each process as its own user
// holding exactly the ACLs of common/kafka-acls.ts (docs/security.md's list). With those ACLs a
// collector cannot inject alert events or outbox messages, and the processor cannot write
// the outbox. PLAIN and SCRAM-SHA-256 work too; a wrong password or CA is refused clearly.
import kafkajs, { type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishAlertEvents, startAlerts, type RunningAlerts } from '../alerts/index.ts';
import { startCollector, type RunningCollector } from '../collectors/index.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import type { KafkaSasl } from '../common/config-security.ts';
import { errorMessage } from '../common/errors.ts';
import { createKafka } from '../common/kafka.ts';
import { kafkaAcls, KAFKA_ROLES, type KafkaRole } from '../common/kafka-acls.ts';
import { topicAccess } from '../common/kafka-authorized-ops.ts';
import { identifier, sql } from '../common/sql.ts';
import { withTlsHint } from '../common/tls.ts';
import { SAMPLE_TOPICS, TOPICS, type AlertEventV1 } from '../contracts/index.ts';
import type { StackCredentials } from '../stack/credentials.ts';
import { stackSecurity } from '../stack/index.ts';
import { aclBindings } from '../stack/kafka-security.ts';
import type { StackTls } from '../stack/tls.ts';
import { startChatEndpoint, type ChatEndpoint } from './support/chat-endpoint.ts';
import { startGroupsAtEnd } from './support/kafka.ts';
import { dropDatabase, endpoints, eventually, quietLog, testConfig, uniqueName } from './support/pipeline.ts';

const { Partitioners } = kafkajs;
const base = testConfig();
const cluster = uniqueName('sasl');
let tls: StackTls;
let creds: StackCredentials;
let chat: ChatEndpoint;

const names = {
  streamGroupId: base.stream.groupId,
  managerGroupId: `${base.stream.groupId}-alerts`,
  deliveryGroupId: `${base.stream.groupId}-delivery`,
};

/** The config of one process: the SASL_SSL listener, the stack CA, its role's user. */
function roleConfig(role: KafkaRole | 'admin', mechanism: KafkaSasl['mechanism'] = 'scram-sha-512'): Config {
  const user = creds.kafka[role];
  return {
    ...base,
    kafka: {
      ...base.kafka,
      brokers: endpoints.kafkaSaslSslBrokers,
      tls: { caFile: tls.caFile },
      sasl: { mechanism, username: user.username, password: user.password },
    },
    collector: { ...base.collector, clusters: [{ name: cluster, seeds: endpoints.redisSeeds.slice(0, 1) }] },
    alerts: {
      ...base.alerts,
      groupWaitMs: 100,
      managerGroupId: names.managerGroupId,
      deliveryGroupId: names.deliveryGroupId,
      routes: [{ match: { cluster }, receiver: 'sasl-chat' }],
      receivers: [{ name: 'sasl-chat', type: 'webhook', url: chat.url }],
    },
  };
}

const kafkaAs = (role: KafkaRole | 'admin', mechanism?: KafkaSasl['mechanism']): Kafka =>
  createKafka(roleConfig(role, mechanism).kafka, quietLog, { initialRetryTime: 100, retries: 0 });

/** Produces one message as `role`; resolves to '' or the error message. */
async function produceAs(role: KafkaRole, topic: string): Promise<string> {
  const producer = kafkaAs(role).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 0 },
  });
  try {
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'probe', value: '{"probe":true}' }] });
    return '';
  } catch (err) {
    return errorMessage(err);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

beforeAll(async () => {
  ({ tls, credentials: creds } = await stackSecurity());
  chat = await startChatEndpoint();
  // This file's consumer groups get the roles' group ACLs (the stack grants redscope's default group ids).
  const admin = createKafka(base.kafka, quietLog).admin();
  await admin.connect();
  try {
    await admin.createAcls({
      acl: KAFKA_ROLES.flatMap((role) =>
        aclBindings(creds.kafka[role].username, kafkaAcls(role, names, { create: true })),
      ).filter((b) => b.resourceType === kafkajs.AclResourceTypes.GROUP),
    });
  } finally {
    await admin.disconnect();
  }
  // Start where the topics end now: earlier runs' messages are not this test's business.
  await startGroupsAtEnd(base, [names.streamGroupId], SAMPLE_TOPICS);
  await startGroupsAtEnd(base, [names.managerGroupId], [TOPICS.alerts]);
  await startGroupsAtEnd(base, [names.deliveryGroupId], [TOPICS.notifications]);
});

afterAll(async () => {
  await chat?.close();
  await dropDatabase(base);
});

describe('the pipeline over SASL_SSL (SCRAM-SHA-512), each process with only its ACLs', () => {
  let collector: RunningCollector | undefined;
  let stream: Awaited<ReturnType<typeof import('../stream/index.ts').startStream>> | undefined;
  let alerts: RunningAlerts | undefined;
  afterAll(async () => {
    await collector?.stop();
    await stream?.stop();
    await alerts?.stop();
  });

  it('samples reach ClickHouse, and an alert event reaches chat through the outbox', async () => {
    const { startStream } = await import('../stream/index.ts');
    stream = await startStream(roleConfig('stream'), quietLog);
    alerts = await startAlerts(roleConfig('alerts'), quietLog);
    collector = await startCollector(roleConfig('collector'), quietLog);

    const ch = createClickHouse(base.clickhouse);
    try {
      const table = identifier(`${base.clickhouse.database}.info_samples`);
      await eventually(
        async () => {
          const rs = await ch.query({
            query: sql`SELECT count() AS n FROM ${table} WHERE cluster = ${cluster}`.text,
            format: 'JSONEachRow',
          });
          return Number(((await rs.json()) as [{ n: string }])[0].n);
        },
        (n) => n > 0,
        { what: 'INFO samples of the SASL collector stored', timeoutMs: 60_000 },
      );
    } finally {
      await ch.close();
    }

    // Alert events come from the stream processor's role.
    const producer = kafkaAs('stream').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const event: AlertEventV1 = {
      v: 1,
      kind: 'alert',
      ts: Date.now(),
      fingerprint: `failover:${cluster}:127.0.0.1:7000`,
      rule: 'failover',
      status: 'firing',
      severity: 'critical',
      cluster,
      instance: '127.0.0.1:7000',
      labels: {},
      summary: `SASL pipeline test alert for ${cluster}`,
      details: 'sent over SASL_SSL',
      hints: [],
    };
    try {
      await publishAlertEvents(producer, [event]);
    } finally {
      await producer.disconnect();
    }
    await eventually(
      async () => chat.received.filter((r) => JSON.stringify(r.body).includes(cluster)).length,
      (n) => n > 0,
      { what: 'the alert delivered to chat', timeoutMs: 60_000 },
    );
  });
});

describe('ACLs: each role writes only its own topics', () => {
  it.each([
    ['collector', TOPICS.alerts, 'a collector cannot inject alert events'],
    ['collector', TOPICS.notifications, 'a collector cannot write the chat outbox'],
    ['stream', TOPICS.notifications, 'the stream processor cannot write the chat outbox'],
    ['alerts', TOPICS.info, 'the alert manager cannot write samples'],
    ['alerts', TOPICS.alerts, 'the alert manager cannot forge alert events'],
  ] as const)('%s → %s refused: %s', async (role, topic, _why) => {
    expect(await produceAs(role, topic)).toMatch(/not authorized|authorization failed/i);
  });

  it('and each role may write what it must (read from the broker, without writing anything)', async () => {
    const can = async (role: KafkaRole, topic: string) =>
      (await topicAccess(kafkaAs(role), [topic]))[0]?.operations.includes('WRITE');
    expect(await can('collector', TOPICS.info)).toBe(true);
    expect(await can('stream', TOPICS.alerts)).toBe(true);
    expect(await can('alerts', TOPICS.notifications)).toBe(true);
    expect(await can('collector', TOPICS.alerts)).toBe(false);
  });
});

describe('mechanisms and failures', () => {
  it.each(['plain', 'scram-sha-256'] as const)('%s over TLS authenticates too', async (mechanism) => {
    const admin = kafkaAs('collector', mechanism).admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toContain(TOPICS.info);
    } finally {
      await admin.disconnect();
    }
  });

  it('a wrong password is refused with an authentication error that does not quote it', async () => {
    const config = roleConfig('collector');
    const password = 'Wr0ng-Passw0rd-For-Test';
    const admin = createKafka({ ...config.kafka, sasl: { ...config.kafka.sasl!, password } }, quietLog, {
      initialRetryTime: 100,
      retries: 0,
    }).admin();
    const err = await admin.connect().catch((e: unknown) => e);
    await admin.disconnect().catch(() => undefined);
    expect(errorMessage(err)).toMatch(/SASL SCRAM SHA512 authentication failed/);
    expect(`${errorMessage(err)} ${(err as Error).stack}`).not.toContain(password);
  });

  it('a broker certificate from another CA is refused, saying which setting to fix', async () => {
    const config = roleConfig('collector');
    const admin = createKafka({ ...config.kafka, tls: { caFile: tls.otherCaFile } }, quietLog, {
      initialRetryTime: 100,
      retries: 0,
    }).admin();
    const err = await admin.connect().catch((e: unknown) => e);
    await admin.disconnect().catch(() => undefined);
    expect(withTlsHint(errorMessage(err), err)).toMatch(/not signed by a trusted CA: set tls\.caFile/);
  });
});
