// docker-compose.yml cannot run here (no Docker engine), so it is checked the way it can be:
// `docker-compose config` validates it offline (unknown keys, wrong types, bad references),
// and its resolved form is compared with the local stack and with common/config.ts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { composeUsersXml } from '../clickhouse/users.ts';
import { REDIS_NODE_COUNT } from '../stack/redis.ts';
import { type ComposeService, unauthenticatedPorts } from './support/compose-exposure.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** The secrets the compose file requires (users put them in .env). */
const SECRETS = {
  REDSCOPE_API_TOKENS: 'ops:compose-test-token-0123456789',
  GRAFANA_ADMIN_PASSWORD: 'compose-test-grafana',
  REDSCOPE_CLICKHOUSE_MIGRATOR_PASSWORD: 'compose-test-migrator',
  REDSCOPE_CLICKHOUSE_WRITER_PASSWORD: 'compose-test-writer',
  REDSCOPE_CLICKHOUSE_READER_PASSWORD: 'compose-test-reader',
};

function compose(dir: string, ...args: string[]) {
  return composeWith(SECRETS, dir, ...args);
}

function composeWith(secrets: Record<string, string>, dir: string, ...args: string[]) {
  // Only PATH and the given secrets: a developer's own REDSCOPE_* or .env must not change the outcome.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...secrets };
  const res = spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], { cwd: dir, encoding: 'utf8', env });
  if (res.error && (res.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      'docker-compose is not installed: apt-get install -y docker-compose (Debian package `docker-compose`; .ci/run installs it)',
    );
  }
  return res;
}

/** The file as docker-compose resolves it: anchors merged, environment as a map. */
function resolved(dir = REPO): Record<string, ComposeService> {
  const res = compose(dir, 'config');
  expect(res.status, res.stderr).toBe(0);
  return parseYaml(res.stdout).services;
}

/** A copy of the compose file (and what it mounts) in a temp dir, edited by `edit`. */
function variant(name: string, edit: (text: string) => string): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'clickhouse'), { recursive: true });
  copyFileSync(join(REPO, 'clickhouse/users.compose.xml'), join(dir, 'clickhouse/users.compose.xml'));
  const text = readFileSync(join(REPO, 'docker-compose.yml'), 'utf8');
  const edited = edit(text);
  expect(edited, `${name}: the edit changed nothing`).not.toBe(text);
  writeFileSync(join(dir, 'docker-compose.yml'), edited);
  return dir;
}

const tmp = mkdtempSync(join(tmpdir(), 'redscope-compose-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('docker-compose.yml', () => {
  it('is accepted by `docker-compose config -q`, and a copy with an unknown key is not', () => {
    const ok = compose(REPO, 'config', '-q');
    expect(ok.status, ok.stderr).toBe(0);

    copyFileSync(join(REPO, 'docker-compose.yml'), join(tmp, 'docker-compose.yml'));
    const text = readFileSync(join(tmp, 'docker-compose.yml'), 'utf8');
    writeFileSync(
      join(tmp, 'docker-compose.yml'),
      text.replace(/^ {2}kafka:\n/m, '  kafka:\n    no_such_option: true\n'),
    );
    const broken = compose(tmp, 'config', '-q');
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toMatch(/no_such_option/);
  });

  it('has the local stack topology: six cluster-enabled Redis nodes joined with one replica each, Kafka, ClickHouse, Grafana and redscope', () => {
    const services = resolved();
    const redisNodes = Object.entries(services).filter(
      ([, s]) => Array.isArray(s.command) && s.command.join(' ').includes('--cluster-enabled yes'),
    );
    expect(redisNodes).toHaveLength(REDIS_NODE_COUNT);

    const init = services['redis-cluster-init'];
    expect(String(init?.command)).toMatch(/--cluster create .*--cluster-replicas 1 --cluster-yes/);
    expect(Object.keys(init?.depends_on ?? {}).sort()).toEqual(redisNodes.map(([name]) => name).sort());

    expect(services.kafka?.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(services.clickhouse?.image).toMatch(/^clickhouse\/clickhouse-server:/);
    expect(services.grafana?.environment?.GF_INSTALL_PLUGINS).toMatch(/^grafana-clickhouse-datasource /);
    for (const verb of ['collector', 'stream', 'api', 'migrate']) {
      expect(services[verb]?.build, verb).toBeDefined();
      expect(services[verb]?.command, verb).toEqual([verb]);
    }
    expect(services.collector?.depends_on?.['redis-cluster-init']).toEqual({
      condition: 'service_completed_successfully',
    });
  });

  it('pins every image to a version tag, and the Dockerfile base image too', () => {
    for (const [name, s] of Object.entries(resolved())) {
      if (s.build) continue; // redscope's own image, built from the Dockerfile
      expect(s.image, name).toMatch(/^[a-z0-9./-]+:\d[\w.-]*$/);
    }
    const from = /^FROM\s+(\S+)/m.exec(readFileSync(join(REPO, 'Dockerfile'), 'utf8'))?.[1];
    expect(from).toMatch(/^node:20\.\d+\.\d+-[\w-]+$/);
  });

  it('configures redscope only through REDSCOPE_* variables that common/config.ts reads', () => {
    const source = readFileSync(join(REPO, 'common/config.ts'), 'utf8');
    const fromEnv = /function fromEnv\([\s\S]*?\n}\n/.exec(source)?.[0] ?? '';
    const known = new Set(fromEnv.match(/REDSCOPE_[A-Z0-9_]+/g));
    expect(known.size).toBeGreaterThan(5);
    const used = Object.values(resolved())
      .flatMap((s) => Object.keys(s.environment ?? {}))
      .filter((k) => k.startsWith('REDSCOPE_'));
    expect(used.length).toBeGreaterThan(0);
    expect([...new Set(used)].filter((k) => !known.has(k))).toEqual([]);
  });

  it('publishes no port without authentication', () => {
    const services = resolved();
    expect(unauthenticatedPorts(services, REPO)).toEqual([]);
    // What is published: the API, Grafana and ClickHouse (this host only) — and nothing of Redis or Kafka.
    const published = Object.entries(services).flatMap(([name, s]) => ((s.ports ?? []).length > 0 ? [name] : []));
    expect(published.sort()).toEqual(['api', 'clickhouse', 'grafana']);
  });

  it.each([
    [
      'a published Redis port',
      (t: string) => t.replace(/^( {2}redis-1:) \*redis-node$/m, '$1\n    <<: *redis-node\n    ports: ["6379:6379"]'),
    ],
    ['a published Kafka port', (t: string) => t.replace(/^( {2}kafka:\n)/m, '$1    ports: ["9092:9092"]\n')],
    [
      'Grafana with anonymous viewers',
      (t: string) => t.replace('GF_AUTH_ANONYMOUS_ENABLED: "false"', 'GF_AUTH_ANONYMOUS_ENABLED: "true"'),
    ],
    ['the API without tokens', (t: string) => t.replace(/^ {6}REDSCOPE_API_TOKENS: .*\n/m, '')],
    [
      'the API with allowNoAuth',
      (t: string) => t.replace(/^( {6}REDSCOPE_API_TOKENS: .*\n)/m, '$1      REDSCOPE_API_ALLOW_NO_AUTH: "true"\n'),
    ],
    [
      'ClickHouse without redscope users file',
      (t: string) => t.replace(/^ {6}- \.\/clickhouse\/users\.compose\.xml:.*\n/m, ''),
    ],
  ])('the exposure check fails on %s', (what, edit) => {
    const dir = variant(what.replace(/\W+/g, '-'), edit);
    expect(unauthenticatedPorts(resolved(dir), dir).length, what).toBeGreaterThan(0);
  });

  it('has no default secrets: without them `docker-compose config` refuses, naming the missing one', () => {
    for (const missing of Object.keys(SECRETS)) {
      const { [missing as keyof typeof SECRETS]: _, ...rest } = SECRETS;
      const res = composeWith(rest, REPO, 'config', '-q');
      expect(res.status, missing).not.toBe(0);
      expect(res.stderr).toContain(`set ${missing}`);
    }
  });

  it('mounts the ClickHouse users file generated from clickhouse/users.ts (npm run docs rewrites it)', () => {
    expect(readFileSync(join(REPO, 'clickhouse/users.compose.xml'), 'utf8')).toBe(composeUsersXml());
    const ch = resolved().clickhouse!;
    for (const role of ['MIGRATOR', 'WRITER', 'READER'])
      expect(ch.environment?.[`REDSCOPE_CLICKHOUSE_${role}_PASSWORD`], role).toBeTruthy();
    // Each redscope process holds only its role's ClickHouse password.
    const env = (svc: string) => Object.keys(resolved()[svc]?.environment ?? {}).filter((k) => /PASSWORD/.test(k));
    expect(env('api')).toEqual(['REDSCOPE_CLICKHOUSE_READER_PASSWORD', 'REDSCOPE_CLICKHOUSE_WRITER_PASSWORD']);
    expect(env('alerts')).toEqual(['REDSCOPE_CLICKHOUSE_WRITER_PASSWORD']);
    expect(env('migrate')).toEqual(['REDSCOPE_CLICKHOUSE_MIGRATOR_PASSWORD']);
    expect(env('collector')).toEqual([]);
  });
});
