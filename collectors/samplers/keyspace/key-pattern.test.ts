import { describe, expect, it } from 'vitest';
import { isRandomToken, looksLikeId } from './key-tokens.ts';
import { keyPattern, MAX_PATTERN_CHARS } from './key-pattern.ts';
import { ID_STYLES, type IdStyle, seededRandom } from './testing/id-corpus.ts';

// keyPattern judges one key alone (hot keys from MONITOR/HOTKEYS); scans mine patterns
// from all their keys (pattern-miner.test.ts).
describe('keyPattern (one key alone)', () => {
  it.each([
    ['user:123:cart', 'user:*:cart'],
    ['user:1:cart', 'user:*:cart'],
    ['user:99999999999:cart', 'user:*:cart'],
    ['key:0', 'key:*'],
    ['order123', 'order*'],
    ['stats:2024-06-01', 'stats:*-*-*'],
    ['ip:10.0.0.1', 'ip:*.*.*.*'],
    ['a/b/42/c', 'a/b/*/c'],
    ['queue|17|jobs', 'queue|*|jobs'],
    ['ttl:100ms', 'ttl:*ms'],
    ['ts:2024-06-01T10:00:00Z', 'ts:*-*-*T*:*:*Z'],
  ])('numbers become *: %s → %s', (key, pattern) => {
    expect(keyPattern(key)).toBe(pattern);
  });

  it.each([
    ['api:v2:profile', 'api:v2:profile'],
    ['stats:daily', 'stats:daily'],
    ['cache:configuration_manager_v2', 'cache:configuration_manager_v2'],
    ['hotkey_001_counter_daily', 'hotkey_*_counter_daily'],
    ['cache:UserProfileCacheV2', 'cache:UserProfileCacheV2'],
    ['enc:utf8', 'enc:utf8'],
    ['auth:oauth2:state', 'auth:oauth2:state'],
    ['cafe:babe', 'cafe:babe'],
    ['config:global', 'config:global'],
    ['plain', 'plain'],
  ])('plain words, also with a short version or number, stay: %s', (key, pattern) => {
    expect(keyPattern(key)).toBe(pattern);
  });

  it.each([
    ['session:9f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f', 'session:*'],
    ['session:9F1C2D3E-4A5B-6C7D-8E9F-0A1B2C3D4E5F:data', 'session:*:data'],
    ['ns:pre-9f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f', 'ns:pre-*'],
    ['blob:5d41402abc4b2a76b9719d911017c592', 'blob:*'],
    ['obj:507f1f77bcf86cd799439011:meta', 'obj:*:meta'],
    ['sha:da39a3ee5e6b4b0d3255bfef95601890afd80709', 'sha:*'],
    ['hex:DEADBEEF00DEADBEEF', 'hex:*'],
    ['lock:order:7f3e2a', 'lock:order:*'],
    ['cart:a8Fk2xQ:items', 'cart:*:items'],
    ['cart:mx3ijrrf:items', 'cart:*:items'],
    ['tok:aZ3kQ9xP0LmN2bV7cR5t', 'tok:*'],
    ['jwt:eyJhbGciOiJIUzI1NiJ9', 'jwt:*'],
    ['sess:k3j4h5g6f7d8s9a0q1w2', 'sess:*'],
    ['sess:V1StGXR8_Z5jdHi6B-myT', 'sess:*'],
    ['job:01HZX3Y5K7M2N4P6Q8R0S2T4V6', 'job:*'],
    ['tweet:1541815603606036480:likes', 'tweet:*:likes'],
    ['mail:alice@example.com', 'mail:*'],
    ['mail:alice.smith+tag@example.com:inbox', 'mail:*:inbox'],
    ['upload:tmp_upload_693ca3dda7e7c7c88e4e4e53', 'upload:tmp_upload_*'],
  ])('ids become *: %s → %s', (key, pattern) => {
    expect(keyPattern(key)).toBe(pattern);
  });

  it('gives cart:*:items for every common id style, unless the id could be a word', () => {
    const rnd = seededRandom(7);
    // One key at a time, a base36 id of letters only (`kqzxvb`) or of letters then digits
    // (`vmpobenb8` like `oauth2`, `pskigf919` like `order123` → `order*`) cannot be told
    // from a word: a scan's miner catches those by how many of them share the position.
    // About 4 % of nanoids hold a run of letters that looks like a name and are split at
    // their `_`/`-`: the miner folds those pieces back into the `*`.
    const couldBeWord = /^[A-Za-z]+\d*$/;
    for (const style of Object.keys(ID_STYLES) as IdStyle[]) {
      let asStar = 0;
      let judged = 0;
      for (let i = 0; i < 1000; i++) {
        const id = ID_STYLES[style](rnd);
        if (couldBeWord.test(id)) continue;
        judged++;
        if (keyPattern(`cart:${id}:items`) === 'cart:*:items') asStar++;
        else if (style !== 'nanoid') expect([id, keyPattern(`cart:${id}:items`)]).toEqual([id, 'cart:*:items']);
      }
      expect([style, asStar / judged]).toEqual([style, expect.toSatisfy((share: number) => share >= 0.94)]);
    }
  });

  it('keeps hash tags and normalises what is inside them', () => {
    expect(keyPattern('{user:42}:orders')).toBe('{user:*}:orders');
    expect(keyPattern('cart:{123}')).toBe('cart:{*}');
    expect(keyPattern('ks-abc:user:{7}:cart')).toBe('ks-abc:user:{*}:cart');
    expect(keyPattern('{9f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f}:x')).toBe('{*}:x');
    // Redis ignores an empty tag `{}`; so do we.
    expect(keyPattern('a{}:1')).toBe('a{}:*');
    expect(keyPattern('noclose{:1')).toBe('noclose{:*');
  });

  it('names the empty key and truncates very long patterns', () => {
    expect(keyPattern('')).toBe('(empty)');
    const p = keyPattern('x'.repeat(1000));
    expect(p).toHaveLength(MAX_PATTERN_CHARS);
    expect(p.endsWith('…')).toBe(true);
    expect(keyPattern(`a:${'1'.repeat(2000)}`).length).toBeLessThanOrEqual(MAX_PATTERN_CHARS);
  });

  it('maps many keys of one shape to one pattern', () => {
    const patterns = new Set<string>();
    for (let i = 0; i < 1000; i++) patterns.add(keyPattern(`ks-abc:user:{${i}}:cart`));
    expect([...patterns]).toEqual(['ks-abc:user:{*}:cart']);
  });
});

describe('token shapes', () => {
  it('tells generated tokens from long names', () => {
    for (const t of ['aZ3kQ9xP0LmN2bV7cR5t', 'eyJhbGciOiJIUzI1NiJ9', 'k3j4h5g6f7d8s9a0q1w2', 'V1StGXR8_Z5jdHi6B-myT'])
      expect([t, isRandomToken(t)]).toEqual([t, true]);
    for (const t of [
      'UserProfileCacheV2',
      'hotkey_001_counter_daily',
      'configuration_manager_v2',
      'XMLHttpRequestHandler',
      'getUserProfileById',
      'MAX_RETRY_COUNT_V2',
    ])
      expect([t, isRandomToken(t)]).toEqual([t, false]);
  });

  it('calls letters-and-digits mixes ids, but not words with a short version', () => {
    for (const t of ['mx3ijrrf', 'a8Fk2xQ', 'order123', 'k3j9x', 'aBxKqPz'])
      expect([t, looksLikeId(t)]).toEqual([t, true]);
    for (const t of ['v2', 'utf8', 'oauth2', 'top10', 'profile', 'daily', 'iPhone', 'UserProfile'])
      expect([t, looksLikeId(t)]).toEqual([t, false]);
  });
});
