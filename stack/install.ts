// Makes sure the programs the stack runs exist. Redis and ClickHouse come from
// Debian's packages (installed on demand, since a fresh CI machine has neither);
// Java and Maven are only checked, because which JDK to install is the machine
// owner's choice and a wrong guess costs hundreds of MB.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runCommand, type Log } from './processes.ts';

// clickhouse-server lives in /usr/sbin, which a non-login PATH may lack.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Absolute path of an executable found on PATH (or the usual sbin dirs), else undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Same as findBinary, but a missing program is an Error naming what to install. */
export function requireBinary(name: string, installHint: string): string {
  const path = findBinary(name);
  if (!path) throw new Error(`${name} not found on PATH; ${installHint}`);
  return path;
}

const APT_PACKAGES_BY_BINARY: Record<string, string> = {
  'redis-server': 'redis-server',
  'redis-cli': 'redis-tools',
  'clickhouse-server': 'clickhouse-server',
  'clickhouse-client': 'clickhouse-client',
  // The stack's private CA and certificates (stack/tls.ts).
  openssl: 'openssl',
};

let aptUpdated = false;

/** Installs Debian's Redis, ClickHouse and openssl packages when any of their binaries is missing. */
export async function ensureServerPackages(log: Log): Promise<void> {
  const missing = Object.keys(APT_PACKAGES_BY_BINARY).filter((bin) => !findBinary(bin));
  if (missing.length === 0) return;
  if (!findBinary('apt-get')) {
    throw new Error(
      `missing ${missing.join(', ')} and no apt-get to install them; install Redis 7 and ClickHouse by hand`,
    );
  }
  // Install the whole set, not just what is missing: versions then come from one apt snapshot.
  const packages = [...new Set(Object.values(APT_PACKAGES_BY_BINARY))];
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  log(`missing ${missing.join(', ')}: installing ${packages.join(' ')} with apt-get…`);
  if (!aptUpdated) {
    log('apt-get update…');
    await aptRun(sudo, ['apt-get', 'update']);
    aptUpdated = true;
  }
  log(`apt-get install -y ${packages.join(' ')} (about a minute)…`);
  await aptRun(sudo, ['apt-get', 'install', '-y', ...packages]);
  const stillMissing = missing.filter((bin) => !findBinary(bin));
  if (stillMissing.length > 0) throw new Error(`apt-get finished but ${stillMissing.join(', ')} is still missing`);
  log('packages installed');
}

async function aptRun(sudo: string[], argv: string[]): Promise<void> {
  const [command, ...args] = [...sudo, ...argv] as [string, ...string[]];
  const res = await runCommand(command, args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeoutMs: 15 * 60_000,
  });
  if (res.code !== 0) {
    const tail = (res.stderr + res.stdout).trim().split('\n').slice(-15).join('\n');
    const asRoot = sudo.length > 0 ? ' (not root: run it as root, or allow passwordless sudo)' : '';
    throw new Error(`${argv.join(' ')} failed${asRoot}:\n${tail}`);
  }
}

/** Kafka needs a JVM, and Maven to fetch its jars on the first run. */
export function requireJava(): string {
  return requireBinary('java', 'Kafka needs Java 17 or newer: apt-get install -y openjdk-17-jre-headless');
}

export function requireMaven(): string {
  return requireBinary('mvn', 'fetching the Kafka jars needs Maven: apt-get install -y maven');
}
