// The local broker's authenticated listener: SASL (SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN)
// over TLS, signed by the stack's CA, with the KRaft StandardAuthorizer enforcing ACLs.
// The stack's SASL users are the redscope roles (common/kafka-acls.ts) with exactly their
// ACLs, plus `redscope-admin`, a super user. The PLAINTEXT listener (loopback only) keeps
// serving development and tests as before: its ANONYMOUS principal is a super user too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { kafkaAcls, KAFKA_ROLES, ACL_OPERATIONS, type KafkaRoleNames } from '../common/kafka-acls.ts';
import type { StackCredentials } from './credentials.ts';
import { runCommand, writePrivateFile, type Log } from './processes.ts';
import type { StackTls } from './tls.ts';

const { Kafka, logLevel, AclOperationTypes, AclResourceTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;

export interface KafkaSecurity {
  /** Port of the SASL_SSL listener. */
  port: number;
  tls: StackTls;
  credentials: StackCredentials;
}

/** The consumer groups the stack's role users may use: redscope's defaults (common/config.ts). */
export const STACK_GROUP_NAMES: KafkaRoleNames = {
  streamGroupId: 'redscope-stream',
  managerGroupId: 'redscope-alerts',
  deliveryGroupId: 'redscope-delivery',
};

const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/** server.properties lines for the SASL_SSL listener and the authorizer. */
export function saslSslProperties(host: string, s: KafkaSecurity, keystoreFile: string): string[] {
  const users = Object.values(s.credentials.kafka);
  // PLAIN checks passwords against this JAAS list (SCRAM ones live in the cluster metadata).
  const plainUsers = users.map((u) => `user_${u.username}="${u.password}"`).join(' ');
  return [
    'sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${SCRAM}`,
    `listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=${SCRAM}`,
    `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${keystoreFile}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${s.tls.caFile}`,
    'ssl.client.auth=none',
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:ANONYMOUS;User:${s.credentials.kafka.admin.username}`,
    // Only our own host name check: clients verify the broker's certificate against 127.0.0.1.
    `# SASL_SSL listener on ${host}:${s.port}`,
  ];
}

/** Kafka's PEM key store is one file: the private key, then the certificate. */
export function writeKeystore(dir: string, tls: StackTls): string {
  const file = join(dir, 'keystore.pem');
  writePrivateFile(file, `${readFileSync(tls.serverKey, 'utf8')}${readFileSync(tls.serverCert, 'utf8')}`);
  return file;
}

function saslClient(host: string, s: KafkaSecurity, user: { username: string; password: string }) {
  return new Kafka({
    clientId: 'redscope-stack',
    brokers: [`${host}:${s.port}`],
    ssl: { ca: readFileSync(s.tls.caFile) },
    sasl: { mechanism: 'scram-sha-512', ...user },
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 0 },
  });
}

async function canAuthenticate(host: string, s: KafkaSecurity): Promise<boolean> {
  const admin = saslClient(host, s, s.credentials.kafka.admin).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * SCRAM credentials live in the cluster metadata: created once through the PLAINTEXT
 * listener with Kafka's own ConfigCommand (kafkajs cannot alter SCRAM credentials).
 */
export async function ensureScramUsers(opts: {
  host: string;
  plaintextPort: number;
  security: KafkaSecurity;
  java: string;
  classpath: string;
  major: number;
  log: Log;
}): Promise<void> {
  const { host, security } = opts;
  if (await canAuthenticate(host, security)) return;
  opts.log('creating the SASL users (SCRAM-SHA-256/512)…');
  // Kafka 4 moved the command to the tools module.
  const mainClass = opts.major >= 4 ? 'org.apache.kafka.tools.ConfigCommand' : 'kafka.admin.ConfigCommand';
  // One mechanism per request: the broker refuses two changes to one user in one request.
  for (const mechanism of ['SCRAM-SHA-512', 'SCRAM-SHA-256'])
    await Promise.all(
      Object.values(security.credentials.kafka).map(async (u) => {
        const args = [
          '-Xmx128m',
          '-cp',
          opts.classpath,
          mainClass,
          '--bootstrap-server',
          `${host}:${opts.plaintextPort}`,
        ]
          .concat(['--alter', '--entity-type', 'users', '--entity-name', u.username])
          .concat(['--add-config', `${mechanism}=[password=${u.password}]`]);
        const res = await runCommand(opts.java, args, { timeoutMs: 120_000 });
        // Not runChecked: its error would quote the command line, password and all.
        if (res.code !== 0)
          throw new Error(
            `creating ${mechanism} credentials for ${u.username} failed: ${res.stderr.split('\n').find((l) => /Exception|Error/.test(l)) ?? `exit ${res.code}`}`,
          );
      }),
    );
  if (!(await canAuthenticate(host, security)))
    throw new Error(`SASL users created, but ${security.credentials.kafka.admin.username} still cannot log in`);
}

/**
 * The role users get exactly their ACLs (common/kafka-acls.ts), through the PLAINTEXT
 * listener: missing ones are created, any other ACL of a role user is deleted (a grant an
 * older version needed, or a test left behind).
 */
export async function grantRoleAcls(host: string, plaintextPort: number, s: KafkaSecurity): Promise<void> {
  const kafka = new Kafka({
    clientId: 'redscope-stack',
    brokers: [`${host}:${plaintextPort}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = KAFKA_ROLES.flatMap((role) =>
      aclBindings(s.credentials.kafka[role].username, kafkaAcls(role, STACK_GROUP_NAMES, { create: true })),
    );
    const key = (b: { resourceType: number; resourceName: string; principal: string; operation: number }) =>
      `${b.principal} ${b.resourceType} ${b.resourceName} ${b.operation}`;
    const wantedKeys = new Set(wanted.map(key));
    const extra = [];
    for (const role of KAFKA_ROLES) {
      const { resources } = await admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal: `User:${s.credentials.kafka[role].username}`,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      for (const r of resources)
        for (const a of r.acls)
          if (!wantedKeys.has(key({ ...r, ...a })))
            extra.push({ ...r, ...a, resourcePatternType: r.resourcePatternType });
    }
    if (extra.length > 0) await admin.deleteAcls({ filters: extra });
    await admin.createAcls({ acl: wanted });
  } finally {
    await admin.disconnect();
  }
}

/** kafkajs ACL bindings (allow, any host) for a principal's grants. */
export function aclBindings(username: string, grants: ReturnType<typeof kafkaAcls>) {
  return grants.flatMap((g) =>
    g.operations.map((op) => ({
      resourceType: g.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
      resourceName: g.name,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: `User:${username}`,
      host: '*',
      operation: ACL_OPERATIONS[op],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}
