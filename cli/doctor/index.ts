// `redscope doctor`: checks every link the configuration describes — Redis with the
// collector's user and ACL, Kafka with this process's credentials and ACLs, ClickHouse
// with each role's user, chat receivers with a dry run — and prints what works and what
// is missing, with the fix. Never a secret: messages name settings, not their values,
// and the output is scrubbed of every configured secret besides. Exit code 1 on a problem.
import type { Command } from 'commander';
import type { Config } from '../../common/config.ts';
import type { ClickHouseRole } from '../../common/config-security.ts';
import { KAFKA_ROLES, type KafkaRole } from '../../common/kafka-acls.ts';
import { createLogger } from '../../common/log.ts';
import { checkChat } from './chat.ts';
import { checkClickHouse } from './clickhouse.ts';
import { checkKafka } from './kafka.ts';
import { checkRedis } from './redis.ts';
import { renderReport, type Check } from './report.ts';

export const DOCTOR_ROLES = ['all', 'collector', 'stream', 'alerts', 'api'] as const;
export type DoctorRole = (typeof DOCTOR_ROLES)[number];

/** Which links, Kafka roles and ClickHouse users a process of `role` uses. */
function plan(config: Config, role: DoctorRole) {
  const migrates = config.clickhouse.migrateOnStart ?? true;
  const all = role === 'all';
  const kafkaRoles: KafkaRole[] = all ? [...KAFKA_ROLES] : role === 'api' ? [] : [role];
  const clickhouse: ClickHouseRole[] = all
    ? ['migrator', 'writer', 'reader']
    : role === 'stream'
      ? ['migrator', 'writer'] // the migrator also runs retention
      : role === 'alerts'
        ? [...(migrates ? (['migrator'] as const) : []), 'writer']
        : role === 'api'
          ? ['reader']
          : [];
  return {
    redis: all || role === 'collector',
    kafkaRoles,
    clickhouse,
    chat: all || role === 'alerts',
  };
}

export async function runDoctor(
  config: Config,
  role: DoctorRole,
): Promise<{ checks: Check[]; text: string; ok: boolean }> {
  const p = plan(config, role);
  // kafkajs's own retries and warnings would only repeat what the checks report.
  const quiet = createLogger('doctor', 'silent');
  const checks: Check[] = [];
  if (p.redis) checks.push(...(await checkRedis(config)));
  if (p.kafkaRoles.length > 0) checks.push(...(await checkKafka(config, p.kafkaRoles, quiet)));
  if (p.clickhouse.length > 0) checks.push(...(await checkClickHouse(config, p.clickhouse)));
  if (p.chat) checks.push(...(await checkChat(config)));
  return { checks, text: renderReport(checks), ok: checks.every((c) => c.status !== 'fail') };
}

export function registerDoctorCommand(program: Command, loadConfig: () => Config): void {
  program
    .command('doctor')
    .description(
      'check every configured link (Redis ACL, Kafka credentials and ACLs, ClickHouse users, chat receivers by dry run) and say what to fix',
    )
    .option('--role <role>', `the process this config is for: ${DOCTOR_ROLES.join(' | ')}`, 'all')
    .action(async (opts: { role: string }) => {
      if (!(DOCTOR_ROLES as readonly string[]).includes(opts.role)) {
        console.error(`error: --role must be one of ${DOCTOR_ROLES.join(', ')}`);
        process.exitCode = 2;
        return;
      }
      const { text, ok } = await runDoctor(loadConfig(), opts.role as DoctorRole);
      console.log(text);
      if (!ok) process.exitCode = 1;
    });
}
