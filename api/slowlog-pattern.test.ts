import { describe, expect, it } from 'vitest';
import { keyShape, slowlogPattern } from './slowlog-pattern.ts';

describe('slowlog argument normalisation', () => {
  it.each([
    [['get', ['user:123']], 'get user:*'],
    [['GET', ['user:456']], 'get user:*'],
    [['hset', ['session:9f1c2d3e-1111-2222-3333-4a5b6c7d8e9f', 'f1', 'v1']], 'hset session:* ? …'],
    [['mget', ['k:1', 'k:2', 'k:3']], 'mget k:* …'],
    [['zrangebyscore', ['z', '0', '100', 'WITHSCORES']], 'zrangebyscore z ? … WITHSCORES'],
    [['set', ['cache:page:42', '?', 'EX', '?']], 'set cache:page:* ? EX ?'],
    [['evalsha', ['3c7d8e0a1b2c3d4e5f60718293a4b5c6d7e8f901', '1', 'lock:7']], 'evalsha * ? lock:*'],
    [['keys', ['*']], 'keys *'],
    [['del', ['mail:alice@example.com']], 'del mail:*'],
    [['get', ['abc... (872 more bytes)']], 'get abc…'],
    [['flushall', []], 'flushall'],
    [['scan', ['0', 'MATCH', 'user:*', 'COUNT', '100']], 'scan ? MATCH user:* COUNT ?'],
  ] as Array<[[string, string[]], string]>)('%j → %s', ([command, args], pattern) => {
    expect(slowlogPattern(command, args)).toBe(pattern);
  });

  it('different ids of one key shape give one pattern', () => {
    expect(new Set(['order:1:items', 'order:22:items', 'order:333:items'].map(keyShape))).toEqual(
      new Set(['order:*:items']),
    );
  });

  it('long keys are cut', () => {
    expect(keyShape('x'.repeat(500)).length).toBe(120);
  });
});
