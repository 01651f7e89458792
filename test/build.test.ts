// The production path: `npm run build` compiles the runtime to dist/, and plain Node (the
// Docker image's ENTRYPOINT) loads every compiled module. tsx is more lenient than Node's
// own ESM loader (e.g. named imports of CommonJS exports Node cannot see), so a module that
// works under the tests could still fail to load in production; this catches that.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

describe('compiled build (npm run build)', () => {
  it('every compiled module loads under plain Node, and the CLI answers --help', { timeout: 180_000 }, () => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'pipe' });
    // Entry points run on import; they are checked by running them below.
    const modules = jsFiles(dist).filter(
      (f) => !/(cli\/redscope|bench\/info-loop|bench\/collector-platformatic)\.js$/.test(f),
    );
    expect(modules.length).toBeGreaterThan(50);
    const load = `for (const f of ${JSON.stringify(modules)}) { try { await import(f); } catch (e) { console.error(f + ': ' + e.message); process.exitCode = 1; } }`;
    const loaded = spawnSync(process.execPath, ['--input-type=module', '-e', load], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(loaded.stderr, `modules that fail to load: ${modules.length} tried`).toBe('');
    expect(loaded.status).toBe(0);

    const help = spawnSync(process.execPath, [join(dist, 'cli/redscope.js'), '--help'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(help.status, help.stderr).toBe(0);
    for (const verb of ['collector', 'stream', 'alerts', 'api', 'migrate']) expect(help.stdout).toContain(verb);
  });
});
