import { describe, expect, it } from 'vitest';
import { KeyspaceAggregator, OTHER_PATTERN, ttlBucket, type InspectedKey } from './aggregate.ts';
import { TopN } from './top-n.ts';

const str = (key: string, bytes: number, ttlMs = -1, length = 10): InspectedKey => ({
  key,
  type: 'string',
  bytes,
  length,
  ttlMs,
});

describe('ttlBucket', () => {
  it.each([
    [-1, 'none'],
    [0, 'lt1m'],
    [59_999, 'lt1m'],
    [60_000, 'lt1h'],
    [3_599_999, 'lt1h'],
    [3_600_000, 'lt1d'],
    [86_400_000, 'lt7d'],
    [7 * 86_400_000 - 1, 'lt7d'],
    [7 * 86_400_000, 'ge7d'],
  ])('%i ms → %s', (ttl, bucket) => {
    expect(ttlBucket(ttl)).toBe(bucket);
  });
});

describe('TopN', () => {
  it('keeps the n highest scores, highest first, whatever the arrival order', () => {
    const top = new TopN<number>(3);
    for (const x of [5, 1, 9, 3, 7, 2, 8]) top.offer(x, x);
    expect(top.sorted()).toEqual([9, 8, 7]);
    expect(top.floor).toBe(7);
  });

  it('agrees with a full sort on random input', () => {
    const values = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 10007);
    const top = new TopN<number>(25);
    for (const v of values) top.offer(v, v);
    expect(top.sorted()).toEqual([...values].sort((a, b) => b - a).slice(0, 25));
  });

  it('keeps nothing when n is 0', () => {
    const top = new TopN<number>(0);
    top.offer(1, 1);
    expect(top.sorted()).toEqual([]);
  });
});

describe('KeyspaceAggregator', () => {
  it('sums keys, bytes, elements and keys without TTL per pattern, with a TTL histogram', () => {
    const agg = new KeyspaceAggregator({ topN: 5, maxPatterns: 100, maxLiveNodes: 1000 });
    agg.add(str('user:1:cart', 100));
    agg.add(str('user:2:cart', 200, 30_000));
    agg.add(str('user:3:cart', 300, 2 * 86_400_000));
    agg.add({ key: 'user:4:cart', type: 'hash', bytes: 1000, length: 50, ttlMs: -1 });
    agg.add(str('config', 10));
    const r = agg.result();
    expect(r.keys).toBe(5);
    const cart = r.patterns.find((p) => p.pattern === 'user:*:cart')!;
    expect(cart).toMatchObject({
      type: 'mixed',
      keys: 4,
      bytes: 1600,
      elements: 80,
      noTtl: 2,
      maxBytes: 1000,
      exampleKey: 'user:1:cart',
    });
    expect(cart.ttlHistogram).toEqual({ none: 2, lt1m: 1, lt1h: 0, lt1d: 0, lt7d: 1, ge7d: 0 });
    expect(r.patterns.map((p) => p.pattern)).toEqual(['user:*:cart', 'config']);
  });

  it('lists the biggest keys by bytes and by length separately', () => {
    const agg = new KeyspaceAggregator({ topN: 2, maxPatterns: 100, maxLiveNodes: 1000 });
    agg.add(str('a', 500, -1, 1));
    agg.add({ key: 'b', type: 'list', bytes: 50, length: 10_000, ttlMs: 5000 });
    agg.add(str('c', 900, -1, 2));
    agg.add(str('d', 10, -1, 3));
    const r = agg.result();
    expect(r.topKeysByBytes.map((k) => [k.key, k.bytes])).toEqual([
      ['c', 900],
      ['a', 500],
    ]);
    expect(r.topKeysByLength.map((k) => [k.key, k.length])).toEqual([
      ['b', 10_000],
      ['d', 3],
    ]);
    expect(r.topKeysByLength[0]).toMatchObject({ type: 'list', ttlMs: 5000, pattern: 'b' });
  });

  it('caps patterns in the result, merging the smallest into (other) with exact totals', () => {
    const agg = new KeyspaceAggregator({ topN: 1, maxPatterns: 3, maxLiveNodes: 1000 });
    for (const [name, bytes] of [
      ['big', 1000],
      ['mid', 500],
      ['small', 10],
      ['tiny', 1],
    ] as const)
      agg.add(str(name, bytes, name === 'tiny' ? 1000 : -1));
    const r = agg.result();
    expect(r.patterns.map((p) => p.pattern)).toEqual(['big', 'mid', OTHER_PATTERN]);
    expect(r.patterns[2]).toMatchObject({ keys: 2, bytes: 11, noTtl: 1, maxBytes: 10 });
    expect(r.patterns.reduce((s, p) => s + p.keys, 0)).toBe(4);
  });

  it('never merges the patterns holding the most keys without TTL into (other), however small', () => {
    // 40 big cached patterns (with TTLs) fill the slots by bytes; a leak of tiny keys without
    // TTL is the smallest pattern of all, and must still be kept by name.
    const agg = new KeyspaceAggregator({ topN: 1, maxPatterns: 20, maxLiveNodes: 10_000 });
    const families = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN';
    for (const f of families) for (let i = 0; i < 10; i++) agg.add(str(`big${f}:${i}`, 100_000, 60_000));
    for (let i = 0; i < 500; i++) agg.add(str(`leak:${i}:items`, 50));
    const r = agg.result();
    expect(r.patterns).toHaveLength(20);
    expect(r.patterns.find((p) => p.pattern === 'leak:*:items')).toMatchObject({ keys: 500, noTtl: 500 });
    const other = r.patterns.find((p) => p.pattern === OTHER_PATTERN)!;
    expect(other.noTtl).toBe(0);
    expect(r.patterns.reduce((a, p) => a + p.keys, 0)).toBe(900);
  });

  it('mines patterns from the whole scan and gives top keys their mined pattern', () => {
    const agg = new KeyspaceAggregator({ topN: 3, maxPatterns: 100, maxLiveNodes: 10_000 });
    const ids = [
      'mx3ijrrf',
      'a8Fk2xQ',
      '7f3e2a',
      'kqzxvbmr',
      'q9w8e7r6',
      'Zx81Qp0',
      'b4nn3r',
      'p0o9i8u',
      'lkj4h5',
      'zz9yy8',
    ];
    for (const [i, id] of ids.entries()) agg.add(str(`cart:${id}:items`, 100 + i));
    const r = agg.result();
    expect(r.patterns.map((p) => [p.pattern, p.keys])).toEqual([['cart:*:items', 10]]);
    expect(r.topKeysByBytes.map((k) => [k.key, k.pattern])).toEqual([
      ['cart:zz9yy8:items', 'cart:*:items'],
      ['cart:lkj4h5:items', 'cart:*:items'],
      ['cart:p0o9i8u:items', 'cart:*:items'],
    ]);
  });

  it('ranks hot keys by OBJECT FREQ when frequencies are given', () => {
    const agg = new KeyspaceAggregator({ topN: 2, maxPatterns: 100, maxLiveNodes: 100 });
    agg.add({ ...str('hot:1', 1), freq: 200 });
    agg.add({ ...str('cold:1', 1), freq: 1 });
    agg.add({ ...str('warm:1', 1), freq: 50 });
    expect(agg.result().hotKeys).toEqual([
      { key: 'hot:1', pattern: 'hot:*', freq: 200 },
      { key: 'warm:1', pattern: 'warm:*', freq: 50 },
    ]);
  });
});
