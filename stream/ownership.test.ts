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

  it('owned without a break since a generation: kept across a rebalance yes, lost and regained no', () => {
    const o = new PartitionOwnership();
    o.assign({ a: [0, 1] }); // generation 1
    const readIn = o.generation;
    o.rebalancing();
    expect(o.ownedSince('a', 0, readIn)).toBe(false); // unknown while the rebalance runs
    o.assign({ a: [0] }); // 2: a/1 to another processor, which reads it from the last commit
    o.rebalancing();
    o.assign({ a: [0, 1] }); // 3: a/1 back
    expect(o.ownedSince('a', 0, readIn)).toBe(true); // kept throughout: nobody else read it
    expect(o.owns('a', 1)).toBe(true);
    expect(o.ownedSince('a', 1, readIn)).toBe(false); // rows read in 1 are neither stored nor committed
    expect(o.ownedSince('a', 1, o.generation)).toBe(true); // rows read now are
    o.close();
    expect(o.ownedSince('a', 0, readIn)).toBe(false);
  });
});
