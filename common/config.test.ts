import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'redscope-config-')), 'redscope.yaml');
  writeFileSync(path, text);
  return path;
}

describe('configuration', () => {
  it('defaults point at the local stack', () => {
    const c = loadConfig({ env: {} });
    expect(c.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(c.clickhouse.url).toBe('http://127.0.0.1:18123');
    expect(c.collector.clusters[0]!.seeds).toEqual(['127.0.0.1:7000']);
  });

  it('a file overrides defaults and the environment overrides the file', () => {
    const path = file('collector:\n  infoEveryMs: 5000\napi:\n  port: 9000\n');
    const c = loadConfig({ file: path, env: { REDSCOPE_API_PORT: '9100' } });
    expect(c.collector.infoEveryMs).toBe(5000);
    expect(c.api.port).toBe(9100);
  });

  it('names the bad key', () => {
    const path = file('collector:\n  infoEveryMs: 5\n');
    expect(() => loadConfig({ file: path, env: {} })).toThrow(/\/collector\/infoEveryMs: must be >= 100/);
  });

  it('rejects unknown keys, so a typo does not silently fall back to a default', () => {
    const path = file('colector:\n  infoEveryMs: 5000\n');
    expect(() => loadConfig({ file: path, env: {} })).toThrow(ConfigError);
  });

  it('rejects a malformed address and a non-numeric port variable', () => {
    expect(() => loadConfig({ env: { REDSCOPE_REDIS_SEEDS: 'localhost' } })).toThrow(/clusters\/0\/seeds\/0/);
    expect(() => loadConfig({ env: { REDSCOPE_API_PORT: 'eighty' } })).toThrow(/REDSCOPE_API_PORT/);
  });

  it('reports unreadable and non-YAML files clearly', () => {
    expect(() => loadConfig({ file: '/nonexistent/redscope.yaml', env: {} })).toThrow(/cannot read config file/);
    expect(() => loadConfig({ file: file('a: [1, 2'), env: {} })).toThrow(/not valid YAML/);
  });

  it('never puts a password into the error message', () => {
    const path = file('clickhouse:\n  password: hunter2\n  url: nope\n');
    try {
      loadConfig({ file: path, env: {} });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
  });
});
