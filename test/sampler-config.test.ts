import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSamplers } from '../collectors/samplers/index.ts';
import { loadConfig } from '../common/config.ts';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'redscope-samplers-')), 'redscope.yaml');
  writeFileSync(path, text);
  return path;
}

describe('stage-2 sampler configuration', () => {
  it('defaults: topology 1 s, slowlog 5 s, latency 1 s with 10 pings, clients 15 s, config audit 5 min', () => {
    const c = loadConfig({ env: {} }).collector;
    expect(c.slowlog.redact).toBe('key');
    expect(c.latency.pings).toBe(10);
    const every = Object.fromEntries(buildSamplers(c).map((s) => [s.name, s.everyMs]));
    expect(every).toMatchObject({
      topology: 1000,
      slowlog: 5000,
      latency: 1000,
      clients: 15_000,
      'config-audit': 300_000,
    });
  });

  it('a file overrides one option and keeps the other defaults of that sampler', () => {
    const c = loadConfig({ file: file('collector:\n  slowlog:\n    redact: all\n'), env: {} }).collector;
    expect(c.slowlog).toMatchObject({ redact: 'all', everyMs: 5000, maxArgs: 16 });
  });

  it('names the bad key', () => {
    expect(() => loadConfig({ file: file('collector:\n  slowlog:\n    redact: everything\n'), env: {} })).toThrow(
      /\/collector\/slowlog\/redact/,
    );
    expect(() => loadConfig({ file: file('collector:\n  latency:\n    pings: 0\n'), env: {} })).toThrow(
      /\/collector\/latency\/pings/,
    );
  });
});
