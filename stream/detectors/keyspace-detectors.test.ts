import { describe, expect, it } from 'vitest';
import { defaultDetectorsConfig } from '../../common/config-detectors.ts';
import type { BigKey, HotKeysV1, KeyPatternStat, KeyspaceScanV1 } from '../../contracts/index.ts';
import { bigKeyDetector, hotKeyDetector, newPatternWithoutTtlDetector } from './keyspace-detectors.ts';

const settings = defaultDetectorsConfig();
const instance = { id: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, cluster: 'orders' };
const pattern = (p: string, keys: number, noTtl: number): KeyPatternStat => ({
  pattern: p,
  type: 'hash',
  keys,
  bytes: keys * 100,
  elements: keys,
  noTtl,
  ttlHistogram: { none: noTtl, lt1m: 0, lt1h: 0, lt1d: keys - noTtl, lt7d: 0, ge7d: 0 },
  maxBytes: 100,
  exampleKey: p.replace('*', '42'),
});
const big = (key: string, bytes: number, length = 10): BigKey => ({
  key,
  pattern: key,
  type: 'hash',
  bytes,
  length,
  ttlMs: -1,
});
const scan = (patterns: KeyPatternStat[], bigKeys: BigKey[] = []) =>
  ({
    v: 1,
    kind: 'keyspace',
    ts: 1,
    instance,
    scannedOn: { id: '10.0.0.1:7003', role: 'replica' },
    collector: 'c',
    patterns,
    topKeysByBytes: bigKeys,
    topKeysByLength: [],
    stats: {},
  }) as unknown as KeyspaceScanV1;

function run<M, S>(
  d: {
    observe(
      m: M,
      s: S | undefined,
      c: { now: number; settings: typeof settings },
    ): { state: S | undefined; events: { status: string; summary: string; labels: Record<string, string> }[] };
  },
  ms: M[],
) {
  let state: S | undefined;
  const out: { status: string; summary: string; labels: Record<string, string> }[] = [];
  ms.forEach((m, i) => {
    const r = d.observe(m, state, { now: 1000 + i, settings });
    state = r.state;
    out.push(...r.events);
  });
  return out;
}

describe('new key pattern without TTL', () => {
  it('the first scan is a baseline; a pattern that then appears without TTL fires, naming pattern, count and an example key', () => {
    const events = run(newPatternWithoutTtlDetector, [
      scan([pattern('session:*', 50_000, 0), pattern('user:*:profile', 9000, 9000)]),
      scan([
        pattern('session:*', 50_000, 0),
        pattern('user:*:profile', 9000, 9000),
        pattern('cart:*:items', 5000, 5000),
      ]),
    ]);
    expect(events).toHaveLength(1);
    expect(events[0]!.summary).toBe(
      'New key pattern without TTL on 10.0.0.1:7000: cart:*:items (5,000 keys, 488.3 KiB)',
    );
    expect(events[0]!.labels).toMatchObject({ pattern: 'cart:*:items', example_key: 'cart:42:items' });
  });

  it('resolves when the pattern’s keys get a TTL', () => {
    const events = run(newPatternWithoutTtlDetector, [
      scan([]),
      scan([pattern('cart:*:items', 5000, 5000)]),
      scan([pattern('cart:*:items', 5000, 0)]),
    ]);
    expect(events.map((e) => e.status)).toEqual(['firing', 'resolved']);
  });
});

describe('big and hot keys', () => {
  it('a key newly over 10 MiB fires once', () => {
    const events = run(bigKeyDetector, [
      scan([], [big('a', 100)]),
      scan([], [big('a', 100), big('huge:hash', 20 * 1024 * 1024)]),
      scan([], [big('huge:hash', 21 * 1024 * 1024)]),
    ]);
    expect(events.map((e) => e.summary)).toEqual(['Big key on 10.0.0.1:7000: huge:hash (20.0 MiB, 10 elements)']);
  });

  it('a key at LFU counter 255 is hot; one at 10 is not', () => {
    const hk = (score: number): HotKeysV1 => ({
      v: 1,
      kind: 'hotkeys',
      ts: 1,
      instance,
      observedOn: instance.id,
      collector: 'c',
      method: 'object-freq',
      windowMs: 1000,
      keys: [{ key: 'k', pattern: 'k', metric: 'lfu-counter', score }],
      slots: [],
    });
    expect(run(hotKeyDetector, [hk(10)])).toEqual([]);
    expect(run(hotKeyDetector, [hk(255), hk(255), hk(3)]).map((e) => e.status)).toEqual(['firing', 'resolved']);
  });
});
