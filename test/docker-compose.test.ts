// docker-compose.yml cannot run here (no Docker engine), so it is checked the way it can be:
// `docker-compose config` validates it offline (unknown keys, wrong types, bad references),
// and its resolved form is compared with the local stack and with common/config.ts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_NODE_COUNT } from '../stack/redis.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));

function compose(dir: string, ...args: string[]) {
  const res = spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], { cwd: dir, encoding: 'utf8' });
  if (res.error && (res.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      'docker-compose is not installed: apt-get install -y docker-compose (Debian package `docker-compose`; .ci/run installs it)',
    );
  }
  return res;
}

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

/** The file as docker-compose resolves it: anchors merged, environment as a map. */
function resolved(): Record<string, Service> {
  const res = compose(REPO, 'config');
  expect(res.status, res.stderr).toBe(0);
  return parseYaml(res.stdout).services;
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
    for (const verb of ['collector', 'stream', 'api']) {
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
});
