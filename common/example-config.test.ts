import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('redscope.example.yaml', () => {
  it('is a valid configuration (so the documented sample never rots)', () => {
    const file = fileURLToPath(new URL('../redscope.example.yaml', import.meta.url));
    const config = loadConfig({ file, env: {} });
    expect(config.collector.clusters[0]!.name).toBe('orders');
  });
});
