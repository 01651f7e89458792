import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSamplers } from '../index.ts';
import { loadConfig } from '../../../common/config.ts';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'redscope-keyspace-')), 'redscope.yaml');
  writeFileSync(path, text);
  return path;
}

describe('collector.keyspace configuration', () => {
  it('defaults: Lua scan every 6 h through replicas at 100,000 keys/s, MONITOR off, both samplers registered', () => {
    const c = loadConfig({ env: {} }).collector;
    expect(c.keyspace).toMatchObject({
      everyMs: 21_600_000,
      mode: 'lua',
      preferReplica: true,
      keysPerSecond: 100_000,
      batchKeys: 50,
      hotkeys: { monitor: { enabled: false } },
    });
    const every = Object.fromEntries(buildSamplers(c).map((s) => [s.name, s.everyMs]));
    expect(every).toMatchObject({ keyspace: 21_600_000, hotkeys: 300_000 });
  });

  it('a file overrides one nested option and keeps the others', () => {
    const c = loadConfig({
      file: file(
        'collector:\n  keyspace:\n    latencyGuard:\n      multiple: 2\n    hotkeys:\n      monitor:\n        enabled: true\n',
      ),
      env: {},
    }).collector;
    expect(c.keyspace.latencyGuard).toMatchObject({ multiple: 2, pauseMs: 1000, enabled: true });
    expect(c.keyspace.hotkeys.monitor).toEqual({ enabled: true, durationMs: 1000, maxBytes: 4 * 1024 * 1024 });
  });

  it('names the bad key', () => {
    expect(() => loadConfig({ file: file('collector:\n  keyspace:\n    mode: fast\n'), env: {} })).toThrow(
      /\/collector\/keyspace\/mode/,
    );
    expect(() => loadConfig({ file: file('collector:\n  keyspace:\n    batchKeys: 0\n'), env: {} })).toThrow(
      /\/collector\/keyspace\/batchKeys/,
    );
  });
});
