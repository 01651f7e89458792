// The Kafka ACLs each redscope process needs, and no more: collectors only produce sample
// topics, only the stream processor produces alert events, only the alert manager
// produces the chat outbox. One list, used by docs/security.md (its ACL table, checked
// by a test), the local stack (its SASL users get exactly these), the SASL pipeline test,
// and `redscope doctor` (which compares them with what the broker grants).
import { MIGRATION_LOCK_TOPIC } from '../clickhouse/migration-leader.ts';
import { SAMPLE_TOPICS, TOPICS } from '../contracts/index.ts';

export type KafkaRole = 'collector' | 'stream' | 'alerts';
export const KAFKA_ROLES: readonly KafkaRole[] = ['collector', 'stream', 'alerts'];

/** Kafka ACL operations, with their protocol codes (AclOperation). */
export const ACL_OPERATIONS = { READ: 3, WRITE: 4, CREATE: 5, DESCRIBE: 8 } as const;
export type AclOperation = keyof typeof ACL_OPERATIONS;

export interface AclGrant {
  resource: 'topic' | 'group';
  name: string;
  operations: readonly AclOperation[];
}

export interface KafkaRoleNames {
  streamGroupId: string;
  managerGroupId: string;
  deliveryGroupId: string;
}

/**
 * What a role needs. `create`: also CREATE on its topics, for a deployment where redscope
 * creates its own topics at start (topics an admin created beforehand need no CREATE).
 * `migrate` (default true): the stream processor and alert manager apply migrations at
 * start, one leader at a time through a consumer group on a lock topic
 * (clickhouse/migration-leader.ts); with clickhouse.migrateOnStart false they do not.
 */
export function kafkaAcls(
  role: KafkaRole,
  names: KafkaRoleNames,
  opts: { create: boolean; migrate?: boolean },
): AclGrant[] {
  const produce = (name: string): AclGrant => ({
    resource: 'topic',
    name,
    operations: opts.create ? ['WRITE', 'DESCRIBE', 'CREATE'] : ['WRITE', 'DESCRIBE'],
  });
  const consume = (name: string): AclGrant => ({
    resource: 'topic',
    name,
    operations: opts.create ? ['READ', 'DESCRIBE', 'CREATE'] : ['READ', 'DESCRIBE'],
  });
  const group = (name: string): AclGrant => ({ resource: 'group', name, operations: ['READ'] });
  const migrations =
    opts.migrate === false ? [] : [consume(MIGRATION_LOCK_TOPIC), group(`${names.streamGroupId}-migrations`)];
  switch (role) {
    case 'collector':
      return SAMPLE_TOPICS.map(produce);
    case 'stream':
      return [
        ...SAMPLE_TOPICS.map(consume),
        // The older topology topic is still read while collectors before v2 drain into it.
        consume(TOPICS.topologyV1),
        group(names.streamGroupId),
        produce(TOPICS.alerts),
        produce(TOPICS.deadLetter),
        ...migrations,
      ];
    case 'alerts':
      return [
        consume(TOPICS.alerts),
        group(names.managerGroupId),
        // The outbox: written by the manager, read by chat delivery (one process).
        { ...produce(TOPICS.notifications), operations: [...produce(TOPICS.notifications).operations, 'READ'] },
        group(names.deliveryGroupId),
        produce(TOPICS.deadLetter),
        ...migrations,
      ];
  }
}

/** The `kafka-acls.sh` command granting one grant to a principal (what doctor suggests). */
export function aclCommand(username: string, grant: AclGrant): string {
  const ops = grant.operations.map((o) => `--operation ${o[0]}${o.slice(1).toLowerCase()}`).join(' ');
  return `kafka-acls.sh --bootstrap-server $BROKER --command-config admin.properties --add --allow-principal User:${username} ${ops} --${grant.resource} ${grant.name}`;
}

/** docs/security.md's table of what each role's user needs, for redscope's default group ids (a test keeps it current). */
export function securityDocAclTable(): string {
  const names = {
    streamGroupId: 'redscope-stream',
    managerGroupId: 'redscope-alerts',
    deliveryGroupId: 'redscope-delivery',
  };
  const list = (grants: AclGrant[], op: AclOperation) =>
    grants
      .filter((g) => g.operations.includes(op))
      .map((g) => `\`${g.name}\``)
      .join(', ') || '—';
  const rows = KAFKA_ROLES.map((role) => {
    const grants = kafkaAcls(role, names, { create: false });
    const topics = grants.filter((g) => g.resource === 'topic');
    const groups = grants.filter((g) => g.resource === 'group');
    return `| ${role} | ${list(topics, 'WRITE')} | ${list(topics, 'READ')} | ${list(groups, 'READ')} |`;
  });
  return [
    '| role | WRITE + DESCRIBE on topics | READ + DESCRIBE on topics | READ on consumer groups |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
