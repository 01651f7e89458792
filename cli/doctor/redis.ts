// Doctor, Redis: for every configured cluster and standalone instance, can the collector
// connect (address, password, TLS), what does it find, and may its user run every command
// the collector needs (ACL DRYRUN, so nothing is run for real)?
import {
  connectRedis,
  connectWithReason,
  splitAddress,
  type RedisEndpoint,
} from '../../collectors/redis-connection.ts';
import { COLLECTOR_COMMANDS, collectorAclSetuser } from '../../collectors/redis-acl.ts';
import type { Config } from '../../common/config.ts';
import { errorMessage } from '../../common/errors.ts';
import { check, type Check } from './report.ts';

function connectFix(message: string, key: string): string | undefined {
  if (/WRONGPASS|invalid username-password|NOAUTH|AUTH/.test(message))
    return `check ${key}.username / password (or REDSCOPE_REDIS_USERNAME / REDSCOPE_REDIS_PASSWORD)`;
  if (/ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND/.test(message))
    return `check the address in ${key}, and that this host may reach it (firewall, bind, protected-mode)`;
  if (/TLS:/.test(message)) return `fix ${key}.tls as the message says`;
  if (/Connection is closed/.test(message)) return `if the server speaks TLS, set ${key}.tls`;
  return undefined;
}

/** May `user` run each collector command? Needs ACL DRYRUN (Redis 7+) and the right to call it. */
async function aclChecks(redis: ReturnType<typeof connectRedis>, link: string, user: string): Promise<Check[]> {
  const denied: string[] = [];
  const optionalDenied: string[] = [];
  for (const c of COLLECTOR_COMMANDS) {
    let answer: string;
    try {
      answer = String(await redis.call('ACL', 'DRYRUN', user, ...c.call));
    } catch (err) {
      const message = errorMessage(err);
      if (/unknown command|not found|unknown subcommand/i.test(message)) continue; // not on this server version
      if (c.rule === COLLECTOR_COMMANDS[0]!.rule)
        return [
          check(
            link,
            'warn',
            `cannot check the ACL: ${message.slice(0, 160)}`,
            'allow +acl|dryrun (Redis 7+) so the ACL can be checked, or compare the user with docs/security.md (Collector permissions)',
          ),
        ];
      answer = message;
    }
    if (answer === 'OK') continue;
    (c.optional ? optionalDenied : denied).push(c.rule);
  }
  const out: Check[] = [];
  if (denied.length === 0) out.push(check(link, 'ok', `user ${user} may run every command the collector needs`));
  else
    out.push(
      check(
        link,
        'fail',
        `user ${user} may not run: ${denied.join(', ')}`,
        `ACL SETUSER ${user} ${denied.map((r) => `+${r}`).join(' ')}   (the whole least-privilege user: ${collectorAclSetuser(user, '…')})`,
      ),
    );
  if (optionalDenied.length > 0)
    out.push(
      check(
        link,
        'warn',
        `user ${user} may not run (optional): ${optionalDenied
          .map((r) => `${r} (${COLLECTOR_COMMANDS.find((c) => c.rule === r)?.optional})`)
          .join(', ')}`,
        `ACL SETUSER ${user} ${optionalDenied.map((r) => `+${r}`).join(' ')}`,
      ),
    );
  return out;
}

async function checkTarget(link: string, key: string, ep: RedisEndpoint, timeoutMs: number): Promise<Check[]> {
  const redis = connectRedis(ep, timeoutMs);
  redis.on('error', () => {});
  const how = `${ep.tls ? 'TLS' : 'plain TCP'}${ep.username ? `, user ${ep.username}` : ep.password ? ', password' : ', no password'}`;
  try {
    await connectWithReason(redis);
  } catch (err) {
    const message = errorMessage(err);
    return [
      check(link, 'fail', `cannot connect to ${ep.host}:${ep.port} (${how}): ${message}`, connectFix(message, key)),
    ];
  }
  try {
    const out = [check(link, 'ok', `connects to ${ep.host}:${ep.port} (${how})`)];
    if (!ep.tls && !/^(127\.|::1$|localhost$)/.test(ep.host))
      out.push(
        check(
          link,
          'warn',
          'the connection is not encrypted',
          `set ${key}.tls (with caFile, and serverName for nodes found by IP)`,
        ),
      );
    try {
      const nodes = String(await redis.call('CLUSTER', 'NODES'))
        .trim()
        .split('\n').length;
      out.push(check(link, 'info', `cluster of ${nodes} nodes (all watched through this seed)`));
    } catch (err) {
      if (/cluster support disabled/i.test(errorMessage(err))) out.push(check(link, 'info', 'a standalone instance'));
    }
    out.push(...(await aclChecks(redis, link, ep.username ?? 'default')));
    return out;
  } finally {
    redis.disconnect();
  }
}

export async function checkRedis(config: Config): Promise<Check[]> {
  const c = config.collector;
  const out: Check[] = [];
  for (const [i, t] of c.clusters.entries()) {
    const seed = t.seeds[0]!;
    const ep = { ...splitAddress(seed), username: t.username, password: t.password, tls: t.tls };
    out.push(
      ...(await checkTarget(`Redis cluster "${t.name}" (seed ${seed})`, `collector.clusters[${i}]`, ep, c.timeoutMs)),
    );
  }
  for (const [i, t] of c.instances.entries()) {
    const ep = { ...splitAddress(t.address), username: t.username, password: t.password, tls: t.tls };
    out.push(...(await checkTarget(`Redis instance ${t.address}`, `collector.instances[${i}]`, ep, c.timeoutMs)));
  }
  return out;
}
