import { describe, expect, it } from 'vitest';
import { keyPattern, MAX_PATTERN_CHARS } from './key-pattern.ts';

describe('keyPattern', () => {
  it.each([
    ['user:123:cart', 'user:*:cart'],
    ['user:1:cart', 'user:*:cart'],
    ['user:99999999999:cart', 'user:*:cart'],
    ['key:0', 'key:*'],
    ['order123', 'order*'],
    ['v2:config', 'v*:config'],
    ['stats:2024-06-01', 'stats:*-*-*'],
    ['ip:10.0.0.1', 'ip:*.*.*.*'],
    ['a/b/42/c', 'a/b/*/c'],
    ['queue|17|jobs', 'queue|*|jobs'],
  ])('collapses digit runs: %s → %s', (key, pattern) => {
    expect(keyPattern(key)).toBe(pattern);
  });

  it.each([
    ['session:9f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f', 'session:*'],
    ['session:9F1C2D3E-4A5B-6C7D-8E9F-0A1B2C3D4E5F:data', 'session:*:data'],
    ['ns:pre-9f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f', 'ns:pre-*'],
  ])('replaces UUIDs: %s → %s', (key, pattern) => {
    expect(keyPattern(key)).toBe(pattern);
  });

  it.each([
    ['blob:5d41402abc4b2a76b9719d911017c592', 'blob:*'],
    ['obj:507f1f77bcf86cd799439011:meta', 'obj:*:meta'],
    ['sha:da39a3ee5e6b4b0d3255bfef95601890afd80709', 'sha:*'],
    ['hex:DEADBEEF00DEADBEEF', 'hex:*'],
  ])('replaces long hex: %s → %s', (key, pattern) => {
    expect(keyPattern(key)).toBe(pattern);
  });

  it('replaces random tokens of letters and digits, but keeps long names that contain numbers', () => {
    expect(keyPattern('tok:aZ3kQ9xP0LmN2bV7cR5t')).toBe('tok:*');
    expect(keyPattern('jwt:eyJhbGciOiJIUzI1NiJ9')).toBe('jwt:*');
    expect(keyPattern('cache:configurationmanager')).toBe('cache:configurationmanager');
    expect(keyPattern('cache:configuration_manager_v2')).toBe('cache:configuration_manager_v*');
    expect(keyPattern('hotkey_001_counter_daily')).toBe('hotkey_*_counter_daily');
    expect(keyPattern('cache:UserProfileCacheV2')).toBe('cache:UserProfileCacheV*');
    expect(keyPattern('sess:k3j4h5g6f7d8s9a0q1w2')).toBe('sess:*');
  });

  it('keeps short hex-looking words and only collapses their digits', () => {
    expect(keyPattern('cafe:babe')).toBe('cafe:babe');
    expect(keyPattern('id:a3f9')).toBe('id:a*f*');
  });

  it('keeps hash tags and normalises what is inside them', () => {
    expect(keyPattern('{user:42}:orders')).toBe('{user:*}:orders');
    expect(keyPattern('cart:{123}')).toBe('cart:{*}');
    expect(keyPattern('ks-1a2b:user:{7}:cart')).toBe('ks-*a*b:user:{*}:cart');
    expect(keyPattern('{9f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f}:x')).toBe('{*}:x');
    // Redis ignores an empty tag `{}`; so do we.
    expect(keyPattern('a{}:1')).toBe('a{}:*');
    expect(keyPattern('noclose{:1')).toBe('noclose{:*');
  });

  it('replaces e-mail addresses', () => {
    expect(keyPattern('mail:alice@example.com')).toBe('mail:*');
    expect(keyPattern('mail:alice@example.com:inbox')).toBe('mail:*:inbox');
  });

  it('returns keys without digits, tags or @ unchanged', () => {
    expect(keyPattern('config:global')).toBe('config:global');
    expect(keyPattern('plain')).toBe('plain');
  });

  it('names the empty key and truncates very long patterns', () => {
    expect(keyPattern('')).toBe('(empty)');
    const long = 'x'.repeat(1000);
    const p = keyPattern(long);
    expect(p).toHaveLength(MAX_PATTERN_CHARS);
    expect(p.endsWith('…')).toBe(true);
  });

  it('maps many keys of one shape to one pattern', () => {
    const patterns = new Set<string>();
    for (let i = 0; i < 1000; i++) patterns.add(keyPattern(`ks-abc:user:{${i}}:cart`));
    expect([...patterns]).toEqual(['ks-abc:user:{*}:cart']);
  });
});
