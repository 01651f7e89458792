import { describe, expect, it } from 'vitest';
import { DEFAULT_MINER_OPTIONS, PatternMiner, type MinerOptions } from './pattern-miner.ts';
import { ID_STYLES, type IdStyle, idCorpus, LEAK_STYLES, seededRandom, shuffle } from './testing/id-corpus.ts';

interface Count {
  keys: number;
  example: string;
}

const COUNTS = {
  create: (example: string): Count => ({ keys: 0, example }),
  merge: (a: Count, b: Count) => {
    a.keys += b.keys;
  },
};

function mine(keys: readonly string[], opts: Partial<MinerOptions> = {}) {
  const miner = new PatternMiner<Count>(COUNTS, { ...DEFAULT_MINER_OPTIONS, ...opts });
  let overflow = 0;
  for (const k of keys) {
    const c = miner.leaf(k);
    if (c) c.keys++;
    else overflow++;
  }
  const mined = miner.result();
  const patterns = new Map(mined.map((p) => [p.pattern, p.payload.keys]));
  return { miner, patterns, overflow };
}

/** A realistic keyspace: one entry per family, with the pattern people expect for it. */
function keyspace(seed: number): { keys: string[]; expected: Map<string, number> } {
  const rnd = seededRandom(seed);
  const id = (s: IdStyle) => ID_STYLES[s](rnd);
  const anyLeakId = () => id(LEAK_STYLES[Math.floor(rnd() * LEAK_STYLES.length)]!);
  const two = (n: number) => String(n).padStart(2, '0');
  const families: Array<[string, number, (i: number) => string]> = [
    ['user:*:profile', 2000, (i) => `user:${1000 + i}:profile`],
    ['user:*:settings', 2000, (i) => `user:${1000 + i}:settings`],
    ['session:*', 1500, () => `session:${id('uuid')}`],
    ['sess:*', 1500, () => `sess:${id('nanoid')}`],
    ['stats:daily:*-*-*', 300, (i) => `stats:daily:2024-${two(1 + (i % 12))}-${two(1 + (Math.floor(i / 12) % 28))}`],
    ['stats:weekly:*-W*', 104, (i) => `stats:weekly:${2023 + Math.floor(i / 52)}-W${1 + (i % 52)}`],
    ['api:v1:users:*', 500, () => `api:v1:users:${id('numeric')}`],
    ['api:v2:users:*', 500, () => `api:v2:users:${id('base62')}`],
    [
      'rate-limit:*.*.*.*',
      800,
      () => `rate-limit:10.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}`,
    ],
    ['lock:order:*', 300, () => `lock:order:${id('hex')}`],
    ['{user:*}:orders', 600, () => `{user:${id('numeric')}}:orders`],
    ['{user:*}:cart', 600, () => `{user:${id('base36')}}:cart`],
    ['email:*:verified', 500, () => `email:${id('email')}:verified`],
    ['queue/jobs/*', 300, () => `queue/jobs/${id('ulid')}`],
    ['cache.product.*', 300, () => `cache.product.${id('snowflake')}`],
    ['tmp_upload_*', 300, () => `tmp_upload_${id('objectid')}`],
    ['img/*/thumb.jpg', 200, () => `img/${id('hex')}/thumb.jpg`],
    ['user_*_prefs', 200, () => `user_${id('base36')}_prefs`],
    ['invoice:INV*', 300, () => `invoice:INV${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`],
    ['player*:score', 200, () => `player${Math.floor(rnd() * 1e6)}:score`],
    ['shard*:lag', 16, (i) => `shard${i}:lag`],
    ['cart:*:items', 3000, () => `cart:${anyLeakId()}:items`],
    ['feature:flags', 1, () => 'feature:flags'],
    ['config:global', 1, () => 'config:global'],
    ['lock:job:cleanup', 1, () => 'lock:job:cleanup'],
    ['lock:job:reindex', 1, () => 'lock:job:reindex'],
  ];
  const keys = new Set<string>();
  const expected = new Map<string, number>();
  for (const [pattern, n, make] of families) {
    const before = keys.size;
    for (let i = 0; keys.size - before < n; i++) {
      if (i > 100 * n) throw new Error(`family ${pattern} cannot make ${n} distinct keys`);
      keys.add(make(i));
    }
    expected.set(pattern, n);
  }
  return { keys: shuffle([...keys], rnd), expected };
}

describe('PatternMiner', () => {
  it('names the Stage 5 leak — 60,000 cart ids in six styles — cart:*:items, all of them', () => {
    const ids = idCorpus(LEAK_STYLES, 10_000);
    const { patterns } = mine(ids.map((id) => `cart:${id}:items`));
    expect([...patterns]).toEqual([['cart:*:items', 60_000]]);
  });

  it.each(Object.keys(ID_STYLES) as IdStyle[])('turns %s ids into cart:*:items, 5,000 or 30 of them', (style) => {
    for (const n of [5000, 30]) {
      const keys = idCorpus([style], n, n).map((id) => `cart:${id}:items`);
      expect([style, n, [...mine(keys).patterns]]).toEqual([style, n, [['cart:*:items', n]]]);
    }
  });

  it('mines a realistic keyspace into the patterns people expect, words kept, ids starred', () => {
    const { keys, expected } = keyspace(42);
    const { patterns } = mine(keys);
    expect(Object.fromEntries([...patterns].sort())).toEqual(Object.fromEntries([...expected].sort()));
  });

  it('does not depend on the order SCAN returns keys in', () => {
    const { keys } = keyspace(7);
    const first = mine(keys).patterns;
    for (const seed of [1, 2, 3]) {
      const again = mine(shuffle([...keys], seededRandom(seed))).patterns;
      expect(Object.fromEntries([...again].sort())).toEqual(Object.fromEntries([...first].sort()));
    }
  });

  it('keeps a position of a few words, and stars one of many thin values', () => {
    const few = ['daily', 'weekly', 'monthly', 'yearly', 'hourly', 'quarterly', 'realtime', 'archive', 'profile'];
    const keys = few.flatMap((w) => Array.from({ length: 50 }, (_, i) => `report:${w}:${i}`));
    expect([...mine(keys).patterns.keys()].sort()).toEqual(few.map((w) => `report:${w}:*`).sort());

    const rnd = seededRandom(3);
    const names = new Set<string>();
    while (names.size < 500)
      names.add(Array.from({ length: 6 }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(rnd() * 26)]).join(''));
    const { patterns } = mine([...names].map((n) => `prefs:${n}`));
    expect([...patterns]).toEqual([['prefs:*', 500]]);
  });

  it('keeps a big word next to the ids of its position', () => {
    const ids = idCorpus(['base36'], 2000, 5);
    const keys = [...ids.map((id) => `cart:${id}:items`), ...Array.from({ length: 400 }, (_, i) => `cart:stats:${i}`)];
    const { patterns } = mine(shuffle(keys, seededRandom(9)));
    expect(Object.fromEntries(patterns)).toEqual({ 'cart:*:items': 2000, 'cart:stats:*': 400 });
  });

  it('keeps versions and a short suffix word: api:v1 and api:v2 stay, numbered families become word*', () => {
    const keys = [
      ...Array.from({ length: 300 }, (_, i) => `api:v1:users:${i}`),
      ...Array.from({ length: 300 }, (_, i) => `api:v2:users:${i}`),
      ...Array.from({ length: 12 }, (_, i) => `shard${i}:lag`),
    ];
    expect(Object.fromEntries(mine(keys).patterns)).toEqual({
      'api:v1:users:*': 300,
      'api:v2:users:*': 300,
      'shard*:lag': 12,
    });
  });

  it('keeps memory bounded on adversarial keys, counting every key somewhere', () => {
    // Four levels of 40 words each: no position varies enough to become `*` (40 thin words
    // < 64), yet 2.5 million paths are possible. Only the node budget stops the growth.
    const rnd = seededRandom(11);
    const vocab = Array.from({ length: 4 }, () =>
      Array.from({ length: 40 }, () =>
        Array.from({ length: 6 }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(rnd() * 26)]).join(''),
      ),
    );
    const word = (level: number) => vocab[level]![Math.floor(rnd() * 40)]!;
    const keys = Array.from({ length: 50_000 }, () => `${word(0)}:${word(1)}.${word(2)}/${word(3)}`);
    const maxNodes = 2000;
    const miner = new PatternMiner<Count>(COUNTS, { ...DEFAULT_MINER_OPTIONS, maxNodes });
    let largest = 0;
    let placed = 0;
    for (const k of keys) {
      const c = miner.leaf(k);
      if (c) {
        c.keys++;
        placed++;
      }
      largest = Math.max(largest, miner.size);
    }
    expect(largest).toBeLessThanOrEqual(2 * maxNodes);
    const total = miner.result().reduce((a, p) => a + p.payload.keys, 0);
    expect(total).toBe(placed);
    expect(miner.stats.shrinks).toBeGreaterThan(0);
    expect(miner.stats.overflowKeys).toBe(0); // shrinking made room: nothing went to (other)
    expect(placed).toBe(keys.length);
  });

  it('names every key with the pattern its totals were counted under', () => {
    const { keys } = keyspace(5);
    const { miner, patterns } = mine(keys);
    const byPatternOf = new Map<string, number>();
    for (const k of keys) {
      const p = miner.patternOf(k);
      expect([k, p !== null && patterns.has(p)]).toEqual([k, true]);
      byPatternOf.set(p!, (byPatternOf.get(p!) ?? 0) + 1);
    }
    expect(Object.fromEntries([...byPatternOf].sort())).toEqual(Object.fromEntries([...patterns].sort()));
  });

  it('keeps hash tags, mixed separators and very long keys readable', () => {
    const keys = [
      ...Array.from({ length: 100 }, (_, i) => `{tenant:${i}}.orders/${i}_open`),
      `x:${'long_name_'.repeat(40)}`,
      '',
    ];
    expect(Object.fromEntries(mine(keys).patterns)).toEqual({
      '{tenant:*}.orders/*_open': 100,
      [`x:${'long_name_'.repeat(40).slice(0, 253)}…`]: 1,
      '(empty)': 1,
    });
  });
});
