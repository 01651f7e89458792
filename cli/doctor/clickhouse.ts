// Doctor, ClickHouse: for each role the process uses, can its user log in (URL, password,
// TLS), and is it what its role should be — the reader read-only, the writer without DDL,
// the migrator with it (read from the user's own settings, nothing is written)? And is
// the schema there?
import { requireCurrentSchema } from '../../clickhouse/schema-check.ts';
import { clickhouseCredentials, createClickHouse } from '../../common/clickhouse.ts';
import type { Config } from '../../common/config.ts';
import type { ClickHouseRole } from '../../common/config-security.ts';
import { errorMessage } from '../../common/errors.ts';
import { withTlsHint } from '../../common/tls.ts';
import { check, type Check } from './report.ts';

function connectFix(message: string, role: ClickHouseRole): string | undefined {
  if (/Wrong password|Authentication failed|Unknown user|193|516|192/.test(message))
    return `check clickhouse.users.${role} (REDSCOPE_CLICKHOUSE_${role.toUpperCase()}_USER / _PASSWORD), or clickhouse.username/password`;
  if (/TLS:/.test(message)) return 'fix clickhouse.tls as the message says';
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|Timeout/.test(message))
    return 'check clickhouse.url (REDSCOPE_CLICKHOUSE_URL) and that this host may reach it';
  return undefined;
}

/** What the role's user must (not) be allowed, from its `readonly` and `allow_ddl` settings. */
function roleProblems(
  role: ClickHouseRole,
  readonly: number,
  allowDdl: number,
): { problem: string; fix: string } | null {
  const profile = "in the user's profile (users.xml, see clickhouse/users.ts)";
  if (role === 'reader' && readonly === 0)
    return { problem: 'the reader can write and drop tables', fix: `set <readonly>2</readonly> ${profile}` };
  if (role === 'writer' && readonly !== 0)
    return { problem: 'the writer cannot insert (readonly)', fix: `set <readonly>0</readonly> ${profile}` };
  if (role === 'writer' && allowDdl !== 0)
    return {
      problem: 'the writer may run DDL (create, alter, drop tables)',
      fix: `set <allow_ddl>0</allow_ddl> ${profile}`,
    };
  if (role === 'migrator' && (readonly !== 0 || allowDdl === 0))
    return {
      problem: 'the migrator cannot run DDL',
      fix: `set <readonly>0</readonly> and <allow_ddl>1</allow_ddl> ${profile}`,
    };
  return null;
}

export async function checkClickHouse(config: Config, roles: readonly ClickHouseRole[]): Promise<Check[]> {
  const out: Check[] = [];
  const ch = config.clickhouse;
  const url = new URL(ch.url);
  if (url.protocol === 'http:' && !/^(127\.|localhost$|\[::1\]$)/.test(url.hostname))
    out.push(
      check(
        'ClickHouse',
        'warn',
        `${ch.url} is plain HTTP: passwords and data cross the network unencrypted`,
        'use an https:// url (https_port on the server), with clickhouse.tls.caFile for a private CA',
      ),
    );
  for (const role of roles) {
    const { username } = clickhouseCredentials(ch, role);
    const link = `ClickHouse ${role} (user ${username})`;
    const client = createClickHouse(ch, { role, requestTimeoutMs: 10_000 });
    try {
      let settings: Record<string, number>;
      try {
        const rs = await client.query({
          query: "SELECT name, value FROM system.settings WHERE name IN ('readonly', 'allow_ddl')",
          format: 'JSONEachRow',
        });
        settings = Object.fromEntries(
          (await rs.json<{ name: string; value: string }>()).map((r) => [r.name, Number(r.value)]),
        );
      } catch (err) {
        const message = withTlsHint(errorMessage(err), err, url.protocol === 'https:');
        out.push(
          check(link, 'fail', `cannot log in at ${ch.url}: ${message.split('\n')[0]}`, connectFix(message, role)),
        );
        continue;
      }
      out.push(check(link, 'ok', `logs in at ${ch.url}`));
      const p = roleProblems(role, settings.readonly ?? 0, settings.allow_ddl ?? 1);
      if (p) out.push(check(link, 'fail', p.problem, p.fix));
      else
        out.push(
          check(link, 'ok', { reader: 'read-only', writer: 'may insert, no DDL', migrator: 'may run DDL' }[role]),
        );
      if (role !== 'migrator')
        try {
          await requireCurrentSchema(client, ch.database);
          out.push(check(link, 'ok', `database ${ch.database} has every migration`));
        } catch (err) {
          out.push(
            check(link, 'fail', errorMessage(err).split(';')[0]!, 'run `redscope migrate` with the migrator user'),
          );
        }
    } finally {
      await client.close();
    }
  }
  return out;
}
