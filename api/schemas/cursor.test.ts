import { describe, expect, it } from 'vitest';
import { cursorScope, decodeCursor, encodeCursor, pageOf } from './cursor.ts';

describe('cursors', () => {
  const scope = cursorScope('slowlog', { cluster: 'prod', command: 'get' });

  it('round-trip the sort key and the frozen range', () => {
    const c = encodeCursor(scope, [1_764_072_000, "10.0.0.1:7000'", 42, 'run'], { fromSec: 1, toSec: 2 });
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c, scope, ['number', 'string', 'number', 'string'])).toEqual({
      key: [1_764_072_000, "10.0.0.1:7000'", 42, 'run'],
      range: { fromSec: 1, toSec: 2 },
    });
  });

  it('refuse a cursor of a query with other filters', () => {
    const other = cursorScope('slowlog', { cluster: 'prod', command: 'set' });
    expect(() => decodeCursor(encodeCursor(other, [1]), scope, ['number'])).toThrow(/other filters/);
  });

  it('the scope ignores key order but not values', () => {
    expect(cursorScope('r', { a: 1, b: 'x' })).toBe(cursorScope('r', { b: 'x', a: 1 }));
    expect(cursorScope('r', { a: 1 })).not.toBe(cursorScope('r', { a: 2 }));
  });

  it.each([
    ['garbage', '!!!'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['wrong shape', encodeCursor(scope, ['x'])],
    ['a non-finite number', Buffer.from(JSON.stringify({ v: 1, s: scope, k: ['1e999'] })).toString('base64url')],
    ['an object as a value', Buffer.from(JSON.stringify({ v: 1, s: scope, k: [{}] })).toString('base64url')],
    ['a reversed range', Buffer.from(JSON.stringify({ v: 1, s: scope, k: [1], r: [5, 1] })).toString('base64url')],
  ])('a 400 for %s', (_what, raw) => {
    expect(() => decodeCursor(raw, scope, ['number'])).toThrow(
      expect.objectContaining({ statusCode: 400, message: expect.stringMatching(/^cursor: /) }),
    );
  });

  it('pageOf returns a cursor only when more rows exist', () => {
    expect(pageOf([1, 2], 2, scope, (n) => [n]).nextCursor).toBeNull();
    const p = pageOf([1, 2, 3], 2, scope, (n) => [n]);
    expect(p.rows).toEqual([1, 2]);
    expect(decodeCursor(p.nextCursor!, scope, ['number']).key).toEqual([2]);
  });
});
