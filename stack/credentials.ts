// The local stack's users and their passwords, generated on first use and kept in
// <dataDir>/credentials.json (mode 0600): ClickHouse's role users (written into its
// users.xml) and the Kafka SASL users (SCRAM credentials and ACLs on the broker). The
// stack's own loopback endpoints stay open as before (ClickHouse `default`, Kafka
// PLAINTEXT) for development and tests; these are for the authenticated ones.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writePrivateFile } from './processes.ts';
import { join } from 'node:path';
import type { ClickHouseCredentials, ClickHouseRole } from '../common/config-security.ts';
import type { KafkaRole } from '../common/kafka-acls.ts';
import { ROLE_USERS } from '../clickhouse/users.ts';

export interface StackCredentials {
  clickhouse: Record<ClickHouseRole, ClickHouseCredentials>;
  /** SASL users: one per redscope process role, plus an admin (a super user of the broker). */
  kafka: Record<KafkaRole | 'admin', { username: string; password: string }>;
}

const password = () => randomBytes(18).toString('base64url');

function generate(): StackCredentials {
  const ch = (role: ClickHouseRole) => ({ username: ROLE_USERS[role], password: password() });
  const kafka = (name: string) => ({ username: `redscope-${name}`, password: password() });
  return {
    clickhouse: { migrator: ch('migrator'), writer: ch('writer'), reader: ch('reader') },
    kafka: { admin: kafka('admin'), collector: kafka('collector'), stream: kafka('stream'), alerts: kafka('alerts') },
  };
}

/** The stack's credentials, made on first call. */
export function stackCredentials(dataDir: string): StackCredentials {
  const file = join(dataDir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StackCredentials;
  const creds = generate();
  writePrivateFile(file, `${JSON.stringify(creds, null, 2)}\n`);
  return creds;
}
