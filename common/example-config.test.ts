import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from './config.ts';

const file = fileURLToPath(new URL('../redscope.example.yaml', import.meta.url));

/** Dotted paths of every key that has a default (objects walked, arrays and values not). */
function defaultKeys(value: unknown, path: string[] = []): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [[...path, k].join('.'), ...defaultKeys(v, [...path, k])]);
}

describe('redscope.example.yaml', () => {
  it('is a valid configuration (so the documented sample never rots)', () => {
    const config = loadConfig({ file, env: {} });
    expect(config.collector.clusters[0]!.name).toBe('orders');
  });

  it('names every key that has a default, as the README promises (set or commented out)', () => {
    const yaml = readFileSync(file, 'utf8');
    const keys = defaultKeys(defaultConfig());
    expect(keys.length).toBeGreaterThan(100);
    const named = (key: string) => new RegExp(`(^|[\\s{,#])${key.split('.').at(-1)}:`, 'm').test(yaml);
    expect(keys.filter((k) => !named(k))).toEqual([]);
  });
});
