import { describe, expect, it } from 'vitest';
import { PartitionOwnership } from './ownership.ts';

describe('partition ownership', () => {
  it('reports what an assignment gained and lost, and owns nothing while a rebalance is in progress', async () => {
    const o = new PartitionOwnership();
    expect(o.assign({ a: [0, 1], b: [0] })).toEqual({
      gained: [
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 1 },
        { topic: 'b', partition: 0 },
      ],
      lost: [],
    });
    expect(o.owns('a', 1)).toBe(true);
    o.rebalancing();
    expect(o.owns('a', 1)).toBe(false);
    let stable = false;
    const waiting = o.stable().then(() => (stable = true));
    await Promise.resolve();
    expect(stable).toBe(false);
    expect(o.assign({ a: [1, 2] })).toEqual({
      gained: [{ topic: 'a', partition: 2 }],
      lost: [
        { topic: 'a', partition: 0 },
        { topic: 'b', partition: 0 },
      ],
    });
    await waiting;
    expect(stable).toBe(true);
    expect(o.owns('a', 1)).toBe(true);
    expect(o.owns('a', 0)).toBe(false);
    expect(o.generation).toBe(2);
  });
});
