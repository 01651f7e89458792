// Defaults are stated once: as `default:` in the configuration schema. These tests walk the
// schema so that a setting without a default, or a default stated a second time (a section's
// default restating its members', a hand-written defaults object), fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { defaultAlertsConfig } from './config-alerts.ts';
import { defaultDetectorsConfig } from './config-detectors.ts';
import { Config, defaultConfig, validateConfig } from './config.ts';

type Node = TSchema & {
  type?: string;
  default?: unknown;
  properties?: Record<string, Node>;
  required?: string[];
  anyOf?: Node[];
  items?: Node;
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Paths of required settings that get no value from Value.Default. */
function missingDefaults(node: Node, path: string): string[] {
  if (node.type !== 'object' || !node.properties) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(node.properties)) {
    const at = `${path}/${key}`;
    if (!node.required?.includes(key)) continue; // optional: absent means off / not set
    if (!('default' in child)) out.push(at);
    // A section whose default is {} gets its values from its members.
    if (child.type === 'object' && isPlainObject(child.default) && Object.keys(child.default).length === 0)
      out.push(...missingDefaults(child, at));
  }
  return out;
}

/** Paths where a default is stated twice: an object's default naming members that state their own. */
function doubleDefaults(node: Node, path: string): string[] {
  const out: string[] = [];
  if (node.type === 'object' && node.properties) {
    if (isPlainObject(node.default))
      for (const key of Object.keys(node.default))
        if (node.properties[key] && 'default' in node.properties[key]!) out.push(`${path}/${key}`);
    for (const [key, child] of Object.entries(node.properties)) out.push(...doubleDefaults(child, `${path}/${key}`));
  }
  for (const branch of node.anyOf ?? []) out.push(...doubleDefaults(branch, path));
  return out;
}

describe('configuration defaults, stated once in the schema', () => {
  it('every required setting has a default (a section: `default: {}` and defaults on its members)', () => {
    expect(missingDefaults(Config as Node, '')).toEqual([]);
  });

  it('no default is stated twice (a section default restating a member’s default)', () => {
    expect(doubleDefaults(Config as Node, '')).toEqual([]);
  });

  it('defaultConfig() is the schema’s defaults, a valid configuration, a fresh copy each call', () => {
    const config = defaultConfig();
    expect(config).toEqual(Value.Default(Config, {}));
    expect(() => validateConfig(config, 'defaults')).not.toThrow();
    config.collector.clusters[0]!.seeds.push('127.0.0.1:1');
    config.retention.tables.extra = 1;
    expect(defaultConfig().collector.clusters[0]!.seeds).toEqual(['127.0.0.1:7000']);
    expect(defaultConfig().retention.tables.extra).toBeUndefined();
    expect(defaultAlertsConfig()).toEqual(config.alerts);
    expect(defaultDetectorsConfig()).toEqual(config.detectors);
  });

  it('a few defaults users rely on (README, redscope.example.yaml)', () => {
    const c = defaultConfig();
    expect(c.collector.sendLingerMs).toBe(50);
    expect(c.collector.health).toEqual({ host: '127.0.0.1', port: 9121 });
    expect(c.stream.health).toEqual({ host: '127.0.0.1', port: 9122 });
    expect(c.alerts.health).toEqual({ host: '127.0.0.1', port: 9123 });
    expect(c.collector.keyspace.hotkeys.monitor.enabled).toBe(false);
    expect(c.detectors.blockingCommands.commands).toContain('keys');
    expect(c.retention.tables.alerts).toBe(400);
  });

  it('no hand-written defaults object is left in the config modules', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    for (const file of readdirSync(dir).filter((f) => /^config.*\.ts$/.test(f) && !f.endsWith('.test.ts'))) {
      const source = readFileSync(`${dir}/${file}`, 'utf8');
      // A default…Config() function may only derive its value from the schema.
      for (const [, body] of source.matchAll(/function default\w*\([^)]*\)[^{]*\{([\s\S]*?)\n\}/g))
        expect(body, `${file}: ${body}`).toMatch(/^\s*return Value\.Default\(\w+, \{\}\) as \w+;\s*$/);
    }
  });
});
