import { describe, expect, it } from 'vitest';
import {
  parseSlowlogReply,
  shapeEntry,
  SlowlogParseError,
  type ArgPolicy,
  type RawSlowlogEntry,
} from './parse-slowlog.ts';

const keyPolicy: ArgPolicy = { maxArgs: 16, maxArgBytes: 128, redact: 'key' };

function raw(args: string[], extra: Partial<RawSlowlogEntry> = {}): RawSlowlogEntry {
  return {
    id: 1,
    loggedAtS: 1_700_000_000,
    durationUs: 12_345,
    args,
    clientAddr: '10.0.0.9:51234',
    clientName: 'orders',
    ...extra,
  };
}

describe('parseSlowlogReply', () => {
  it('reads id, time, duration, args, client address and name (newest first, as Redis sends)', () => {
    const entries = parseSlowlogReply([
      [14, 1_700_000_100, 52_011, ['DEBUG', 'SLEEP', '0.05'], '127.0.0.1:40000', 'redscope-test'],
      [13, 1_700_000_090, 15_000, ['KEYS', '*'], '127.0.0.1:40001', ''],
    ]);
    expect(entries).toEqual([
      {
        id: 14,
        loggedAtS: 1_700_000_100,
        durationUs: 52_011,
        args: ['DEBUG', 'SLEEP', '0.05'],
        clientAddr: '127.0.0.1:40000',
        clientName: 'redscope-test',
      },
      {
        id: 13,
        loggedAtS: 1_700_000_090,
        durationUs: 15_000,
        args: ['KEYS', '*'],
        clientAddr: '127.0.0.1:40001',
        clientName: '',
      },
    ]);
  });

  it('accepts pre-4.0 entries without client address and name', () => {
    expect(parseSlowlogReply([[1, 2, 3, ['GET', 'k']]])[0]).toMatchObject({ clientAddr: '', clientName: '' });
  });

  it('refuses a malformed reply with a clear error', () => {
    expect(() => parseSlowlogReply('OK')).toThrow(SlowlogParseError);
    expect(() => parseSlowlogReply([[1, 2]])).toThrow(/malformed entry/);
    expect(() => parseSlowlogReply([[-1, 2, 3, []]])).toThrow(/bad id/);
  });
});

describe('shapeEntry', () => {
  it('by default keeps the command and its first argument (the key) and hides the values', () => {
    const e = shapeEntry(raw(['SET', 'user:42:profile', 's3cret-value', 'EX', '60']), keyPolicy);
    expect(e).toMatchObject({
      command: 'set',
      args: ['user:42:profile', '?', '?', '?'],
      argCount: 5,
      argsTruncated: false,
      clientName: 'orders',
    });
    expect(JSON.stringify(e)).not.toContain('s3cret');
  });

  it('hides every argument with redact=all and none with redact=none', () => {
    expect(shapeEntry(raw(['SET', 'k', 'v']), { ...keyPolicy, redact: 'all' }).args).toEqual(['?', '?']);
    expect(shapeEntry(raw(['SET', 'k', 'v']), { ...keyPolicy, redact: 'none' }).args).toEqual(['k', 'v']);
  });

  it('truncates to maxArgs arguments and maxArgBytes bytes each, and says so', () => {
    const many = shapeEntry(raw(['MSET', ...Array.from({ length: 10 }, (_, i) => `k${i}`)]), {
      maxArgs: 3,
      maxArgBytes: 128,
      redact: 'none',
    });
    expect(many).toMatchObject({ args: ['k0', 'k1', 'k2'], argCount: 11, argsTruncated: true });
    const long = shapeEntry(raw(['GET', 'x'.repeat(300)]), { maxArgs: 16, maxArgBytes: 10, redact: 'key' });
    expect(long.args).toEqual(['xxxxxxxxxx…']);
    expect(long.argsTruncated).toBe(true);
  });

  it('never cuts a multi-byte character in half', () => {
    const e = shapeEntry(raw(['GET', 'ééééé']), { maxArgs: 16, maxArgBytes: 3, redact: 'key' });
    expect(e.args).toEqual(['é…']);
  });

  it("reads Redis's own truncation markers: the true argument count, and shortened arguments", () => {
    const args = ['DEL', ...Array.from({ length: 30 }, (_, i) => `k${i}`), '... (70 more arguments)'];
    const e = shapeEntry(raw(args), { maxArgs: 100, maxArgBytes: 128, redact: 'none' });
    expect(e.argCount).toBe(101);
    expect(e.args).toHaveLength(30);
    expect(e.argsTruncated).toBe(true);
    const bytes = shapeEntry(raw(['GET', 'abc... (872 more bytes)']), { maxArgs: 16, maxArgBytes: 128, redact: 'key' });
    expect(bytes.argsTruncated).toBe(true);
  });
});
