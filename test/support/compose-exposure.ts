// Which ports a docker-compose file publishes without authentication, read from its
// resolved form (`docker-compose config`). A service may publish a port only if it is one
// redscope knows how to lock, and it is locked: the API with tokens (and no allowNoAuth),
// Grafana without anonymous access and with an admin password, ClickHouse with redscope's
// users file (every user it defines has a password, `default` local to the container).
// Any other published port — Redis, Kafka, anything added later — is reported.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | null>;
  ports?: Array<string | { target?: number; published?: number | string; host_ip?: string }>;
  volumes?: Array<string | { source?: string; target?: string; type?: string }>;
  depends_on?: Record<string, { condition: string }>;
}

const truthy = (v: string | null | undefined) => ['true', '1', 'yes'].includes(String(v ?? '').toLowerCase());

function mounts(s: ComposeService): Array<{ source: string; target: string }> {
  return (s.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source ?? '', target: v.target ?? '' };
    const [source = '', target = ''] = v.split(':');
    return { source, target };
  });
}

/** Why a published ClickHouse is not locked, from the users files mounted into users.d. */
function clickhouseProblems(s: ComposeService, dir: string): string[] {
  const usersFiles = mounts(s).filter((m) => m.target.startsWith('/etc/clickhouse-server/users.d/'));
  if (usersFiles.length === 0) return ['no users file mounted into users.d: the image default user is open'];
  const problems: string[] = [];
  for (const m of usersFiles) {
    const xml = readFileSync(isAbsolute(m.source) ? m.source : join(dir, m.source), 'utf8');
    const users = /<users>([\s\S]*)<\/users>/.exec(xml)?.[1] ?? '';
    for (const [, name, body] of users.matchAll(/<([A-Za-z_][\w.-]*)>([\s\S]*?)<\/\1>/g)) {
      const local = /<networks replace="replace">\s*(<ip>(::1|127\.0\.0\.1)<\/ip>\s*)+<\/networks>/.test(body!);
      const password = /<password from_env="[^"]+"\s*\/>|<password_sha256_hex>[0-9a-f]{64}</.test(body!);
      if (!local && !password) problems.push(`user ${name} has no password and is reachable from the network`);
      const variable = /<password from_env="([^"]+)"/.exec(body!)?.[1];
      if (variable && !s.environment?.[variable]) problems.push(`user ${name}: ${variable} is not set`);
    }
  }
  return problems;
}

/** "service: port N: why" for every published port without authentication. */
export function unauthenticatedPorts(services: Record<string, ComposeService>, dir: string): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(services)) {
    for (const p of s.ports ?? []) {
      const port = typeof p === 'string' ? p : `${p.host_ip ? `${p.host_ip}:` : ''}${p.published}:${p.target}`;
      const env = s.environment ?? {};
      let problems: string[];
      if (name === 'api')
        problems = [
          ...(env.REDSCOPE_API_TOKENS ? [] : ['REDSCOPE_API_TOKENS is not set']),
          ...(truthy(env.REDSCOPE_API_ALLOW_NO_AUTH) ? ['REDSCOPE_API_ALLOW_NO_AUTH is on'] : []),
        ];
      else if (name === 'grafana')
        problems = [
          ...(truthy(env.GF_AUTH_ANONYMOUS_ENABLED) ? ['anonymous access is on'] : []),
          ...(env.GF_SECURITY_ADMIN_PASSWORD && env.GF_SECURITY_ADMIN_PASSWORD !== 'admin'
            ? []
            : ['the admin password is unset or the default']),
        ];
      else if (name === 'clickhouse') problems = clickhouseProblems(s, dir);
      else problems = ['no authentication redscope knows of (publish only api, grafana or clickhouse)'];
      for (const why of problems) out.push(`${name}: port ${port}: ${why}`);
    }
  }
  return out;
}
