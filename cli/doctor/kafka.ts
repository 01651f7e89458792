// Doctor, Kafka: can this process's client connect and authenticate (brokers, TLS, SASL),
// and does the broker grant its user the ACLs its role needs (common/kafka-acls.ts)?
// ACLs are read as the broker applies them to this very user (Metadata v8's authorized
// operations), so nothing is produced and no admin right is needed.
import type { Config } from '../../common/config.ts';
import { errorMessage } from '../../common/errors.ts';
import { createKafka } from '../../common/kafka.ts';
import { aclCommand, kafkaAcls, KAFKA_ROLES, type AclGrant, type KafkaRole } from '../../common/kafka-acls.ts';
import { topicAccess, type TopicAccess } from '../../common/kafka-authorized-ops.ts';
import { securityConfigWarnings } from '../../common/config-security.ts';
import type { Logger } from '../../common/log.ts';
import { withTlsHint } from '../../common/tls.ts';
import { check, type Check } from './report.ts';

const LINK = 'Kafka';
const UNKNOWN_TOPIC = 3;

function connectFix(message: string): string | undefined {
  if (/SASL|authentication/i.test(message))
    return 'check kafka.sasl (mechanism, username, password; REDSCOPE_KAFKA_*) and that the user exists on the broker (kafka-configs.sh --alter --add-config SCRAM-SHA-512=[password=…] --entity-type users --entity-name <user>)';
  if (/TLS:/.test(message)) return 'fix kafka.tls as the message says';
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|Connection (error|timeout)/i.test(message))
    return 'check kafka.brokers (REDSCOPE_KAFKA_BROKERS) and that the listener is reachable from here';
  if (/Closed connection|disconnected|ECONNRESET/i.test(message))
    return 'the listener may expect TLS or SASL: check kafka.tls and kafka.sasl against the broker listener';
  return undefined;
}

/** What the roles checked need, merged per resource (one user for several roles needs all of it). */
function needs(config: Config, roles: readonly KafkaRole[]): AclGrant[] {
  const names = {
    streamGroupId: config.stream.groupId,
    managerGroupId: config.alerts.managerGroupId,
    deliveryGroupId: config.alerts.deliveryGroupId,
  };
  const merged = new Map<string, AclGrant>();
  for (const role of roles)
    for (const g of kafkaAcls(role, names, { create: false, migrate: config.clickhouse.migrateOnStart !== false })) {
      const key = `${g.resource} ${g.name}`;
      const prev = merged.get(key);
      merged.set(key, { ...g, operations: [...new Set([...(prev?.operations ?? []), ...g.operations])] });
    }
  return [...merged.values()];
}

export async function checkKafka(config: Config, roles: readonly KafkaRole[], log: Logger): Promise<Check[]> {
  const k = config.kafka;
  const how = [
    k.tls ? 'TLS' : 'no TLS',
    k.sasl ? `SASL ${k.sasl.mechanism} as ${k.sasl.username}` : 'no SASL (anonymous)',
  ].join(', ');
  const out: Check[] = [];
  for (const warning of securityConfigWarnings({ kafka: k }))
    out.push(check(LINK, 'warn', warning, 'set kafka.tls, or use a SCRAM mechanism'));
  const kafka = createKafka(k, log, { initialRetryTime: 200, retries: 1 });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    out.push(check(LINK, 'ok', `connects to ${k.brokers.join(',')} (${how})`));
  } catch (err) {
    const message = withTlsHint(errorMessage(err), err, Boolean(k.tls));
    out.push(check(LINK, 'fail', `cannot connect to ${k.brokers.join(',')} (${how}): ${message}`, connectFix(message)));
    return out;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (!k.tls)
    out.push(check(LINK, 'warn', 'traffic to Kafka is not encrypted', 'set kafka.tls (and SASL credentials)'));

  const grants = needs(config, roles);
  const topics = grants.filter((g) => g.resource === 'topic');
  let access: Map<string, TopicAccess>;
  try {
    access = new Map(
      (
        await topicAccess(
          kafka,
          topics.map((t) => t.name),
        )
      ).map((a) => [a.topic, a]),
    );
  } catch (err) {
    out.push(check(LINK, 'warn', `cannot read this user's authorized operations: ${errorMessage(err)}`));
    return out;
  }
  const user = k.sasl?.username ?? 'ANONYMOUS';
  for (const t of topics) {
    const a = access.get(t.name);
    if (a?.errorCode === UNKNOWN_TOPIC) {
      out.push(
        check(
          LINK,
          'warn',
          `topic ${t.name} does not exist yet`,
          `let redscope create it (grant CREATE: ${aclCommand(user, { ...t, operations: ['CREATE'] })}) or create it as an admin`,
        ),
      );
      continue;
    }
    const missing = t.operations.filter((op) => !a?.operations.includes(op));
    if (missing.length === 0) out.push(check(LINK, 'ok', `topic ${t.name}: ${t.operations.join(', ')}`));
    else
      out.push(
        check(
          LINK,
          'fail',
          `topic ${t.name}: ${user} lacks ${missing.join(', ')}`,
          aclCommand(user, { ...t, operations: missing }),
        ),
      );
  }
  for (const g of grants.filter((x) => x.resource === 'group'))
    out.push(check(LINK, 'info', `consumer group ${g.name}: needs READ (not checkable without joining it)`));
  // Over-broad rights are worth knowing: a collector that may write alert events can forge them.
  if (roles.length < KAFKA_ROLES.length) {
    const others = needs(config, KAFKA_ROLES).filter(
      (g) => g.resource === 'topic' && !topics.some((t) => t.name === g.name),
    );
    const extra =
      others.length > 0
        ? await topicAccess(
            kafka,
            others.map((o) => o.name),
          ).catch(() => [])
        : [];
    const writable = extra.filter((a) => a.operations.includes('WRITE')).map((a) => a.topic);
    if (writable.length > 0)
      out.push(
        check(
          LINK,
          'warn',
          `${user} may also write ${writable.join(', ')}, which its role (${roles.join(', ')}) never does`,
          'remove those ACLs (kafka-acls.sh --remove …): only the stream processor writes alert events, only the alert manager the outbox',
        ),
      );
  }
  return out;
}
