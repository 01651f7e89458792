import { describe, expect, it } from 'vitest';
import { aclUserFlags, parseConfigGet, parseOutputBufferLimits, SECRET_PLACEHOLDER } from './parse-config.ts';

describe('parseConfigGet', () => {
  it('reads the flat RESP2 reply and drops secret values on the spot', () => {
    const config = parseConfigGet(['timeout', '0', 'requirepass', 'hunter2', 'masterauth', '', 'Save', '3600 1']);
    expect(config.get('timeout')).toBe('0');
    expect(config.get('requirepass')).toBe(SECRET_PLACEHOLDER);
    expect(config.get('masterauth')).toBe('');
    expect(config.get('save')).toBe('3600 1');
    expect(JSON.stringify([...config])).not.toContain('hunter2');
  });

  it('reads a RESP3 map reply', () => {
    expect(parseConfigGet({ timeout: '300', 'tls-key-file-pass': 'x' })).toEqual(
      new Map([
        ['timeout', '300'],
        ['tls-key-file-pass', SECRET_PLACEHOLDER],
      ]),
    );
  });
});

describe('parseOutputBufferLimits', () => {
  it('splits the three classes into hard, soft and soft-seconds', () => {
    const limits = parseOutputBufferLimits('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    expect(limits.get('normal')).toEqual([0, 0, 0]);
    expect(limits.get('slave')).toEqual([268435456, 67108864, 60]);
  });
});

describe('aclUserFlags', () => {
  it('finds the flags of an ACL GETUSER reply', () => {
    expect(aclUserFlags(['flags', ['on', 'nopass'], 'passwords', [], 'commands', '+@all'])).toEqual(['on', 'nopass']);
    expect(aclUserFlags('nope')).toEqual([]);
  });
});
