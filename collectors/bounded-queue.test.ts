import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue.ts';

describe('BoundedQueue', () => {
  it('keeps order and leaves peeked items until removed', () => {
    const q = new BoundedQueue<number>(10);
    [1, 2, 3].forEach((n) => q.push(n));
    expect(q.peek(2)).toEqual([1, 2]);
    expect(q.length).toBe(3);
    q.remove(2);
    expect(q.peek(5)).toEqual([3]);
  });

  it('drops the oldest when full and counts what it dropped', () => {
    const q = new BoundedQueue<number>(3);
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(q.peek(10)).toEqual([3, 4, 5]);
    expect(q.dropped).toBe(2);
  });

  it('stays correct across many pushes and removes (compaction)', () => {
    const q = new BoundedQueue<number>(100_000);
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 3000; i++) q.push(next++);
      q.remove(2900);
    }
    expect(q.length).toBe(50 * 100);
    expect(q.peek(1)[0]).toBe(50 * 2900);
  });
});
