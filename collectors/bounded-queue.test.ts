import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './bounded-queue.ts';

describe('BoundedQueue', () => {
  it('keeps order; peek leaves items, shift takes them', () => {
    const q = new BoundedQueue<number>(10);
    for (const n of [1, 2, 3]) q.push(n);
    expect(q.peek(2)).toEqual([1, 2]);
    expect(q.length).toBe(3);
    expect(q.shift(2)).toEqual([1, 2]);
    expect(q.peek(5)).toEqual([3]);
  });

  it('drops the oldest when full and counts what it dropped', () => {
    const q = new BoundedQueue<number>(3);
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(q.peek(10)).toEqual([3, 4, 5]);
    expect(q.dropped).toBe(2);
  });

  it('puts an undelivered batch back in front, in order, dropping the oldest past the bound', () => {
    const q = new BoundedQueue<number>(5);
    for (let i = 1; i <= 4; i++) q.push(i);
    const batch = q.shift(3);
    q.push(5);
    q.unshift(batch);
    expect(q.peek(10)).toEqual([1, 2, 3, 4, 5]);
    const again = q.shift(2);
    q.push(6);
    q.push(7);
    q.unshift(again);
    expect(q.peek(10)).toEqual([3, 4, 5, 6, 7]);
    expect(q.dropped).toBe(2);
  });

  it('stays correct across many pushes and shifts (compaction)', () => {
    const q = new BoundedQueue<number>(100_000);
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 3000; i++) q.push(next++);
      q.shift(2900);
    }
    expect(q.length).toBe(50 * 100);
    expect(q.peek(1)[0]).toBe(50 * 2900);
  });
});
