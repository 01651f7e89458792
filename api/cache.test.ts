import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TtlCache } from './cache.ts';

describe('TtlCache', () => {
  it('expires entries after their TTL', () => {
    let now = 1000;
    const c = new TtlCache<number>({ maxEntries: 10, nowMs: () => now });
    c.set('a', 1, 100);
    now = 1100;
    expect(c.get('a')).toBe(1);
    now = 1101;
    expect(c.get('a')).toBeUndefined();
  });

  it('drops the least recently used entries beyond maxEntries', () => {
    const c = new TtlCache<number>({ maxEntries: 2 });
    c.set('a', 1, 1000);
    c.set('b', 2, 1000);
    c.set('c', 3, 1000);
    expect([c.get('a'), c.get('b'), c.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('concurrent loads of one key run the loader once; failures are not cached', async () => {
    const c = new TtlCache<number>({ maxEntries: 10 });
    let calls = 0;
    const load = async () => {
      calls++;
      await sleep(10);
      return 7;
    };
    expect(
      await Promise.all([c.getOrLoad('k', 1000, load), c.getOrLoad('k', 1000, load), c.getOrLoad('k', 1000, load)]),
    ).toEqual([7, 7, 7]);
    expect(calls).toBe(1);
    await expect(c.getOrLoad('bad', 1000, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await c.getOrLoad('bad', 1000, async () => 1)).toBe(1);
  });
});
