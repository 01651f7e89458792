// Current ClickHouse, in-process, for SQL compatibility checks. The local server
// is Debian's 18.16; production may run a current release. chDB (PyPI's
// `chdb-core`, ClickHouse 26.x as a Python library) lets a test run the same SQL
// on today's engine without a second server. It lives in a venv under the data
// dir, created on first use: the wheel is ~180 MB, so it is fetched once.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { stackDataDir } from './index.ts';
import { requireBinary } from './install.ts';
import { runChecked, runCommand, type Log } from './processes.ts';

const RUNNER = fileURLToPath(new URL('./chdb_run.py', import.meta.url));
const INSTALLED_MARKER = '.chdb-core-installed';

export interface ChdbStatementResult {
  sql: string;
  ok: boolean;
  error?: string;
  output?: string;
}

export interface ChdbRun {
  version: string;
  results: ChdbStatementResult[];
}

let venvReady: Promise<string> | undefined;

/** Path of the venv's python with chdb-core installed; creates the venv on first use. */
export function ensureChdbVenv(opts: { dataDir?: string; log?: Log } = {}): Promise<string> {
  // One install per process even when several callers ask at once.
  venvReady ??= createVenv(opts.dataDir ?? stackDataDir(), opts.log ?? ((l) => console.log(l))).catch((err) => {
    venvReady = undefined;
    throw err;
  });
  return venvReady;
}

async function createVenv(dataDir: string, log: Log): Promise<string> {
  const venv = join(dataDir, 'chdb-venv');
  const python = join(venv, 'bin', 'python');
  if (existsSync(join(venv, INSTALLED_MARKER)) && existsSync(python)) return python;
  if (!existsSync(python)) {
    const python3 = requireBinary('python3', 'chDB needs Python 3.9+: apt-get install -y python3 python3-venv');
    log(`[chdb] creating Python venv ${venv}…`);
    try {
      await runChecked(python3, ['-m', 'venv', venv], { timeoutMs: 120_000 });
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n(on Debian, \`python3 -m venv\` needs: apt-get install -y python3-venv)`,
      );
    }
  }
  log('[chdb] installing chdb-core from PyPI (a ~180 MB wheel, first run only)…');
  const started = Date.now();
  await runChecked(python, ['-m', 'pip', 'install', '--quiet', 'chdb-core'], { timeoutMs: 15 * 60_000 });
  writeFileSync(join(venv, INSTALLED_MARKER), `${new Date().toISOString()}\n`);
  log(`[chdb] chdb-core installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return python;
}

/**
 * Runs `statements` in order on one fresh chDB database and reports each one;
 * a failing statement does not stop the ones after it.
 */
export async function runOnCurrentClickHouse(
  statements: string[],
  opts: { dataDir?: string; log?: Log } = {},
): Promise<ChdbRun> {
  const python = await ensureChdbVenv(opts);
  const res = await runCommand(python, [RUNNER], { input: JSON.stringify(statements), timeoutMs: 5 * 60_000 });
  // The engine may print its own lines; the runner's JSON is always the last one.
  const last = res.stdout.trimEnd().split('\n').at(-1) ?? '';
  if (res.code !== 0 || !last.startsWith('{')) {
    throw new Error(
      `chdb runner exited with ${res.code}:\n${(res.stderr || res.stdout).trim().split('\n').slice(-10).join('\n')}`,
    );
  }
  return JSON.parse(last) as ChdbRun;
}
