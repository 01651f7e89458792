import { describe, expect, it } from 'vitest';
import { DetectAhead } from './detect-ahead.ts';

describe('detect-ahead bookkeeping', () => {
  it('offers each message to the detectors once, also when the partition is read again after a rewind', () => {
    const a = new DetectAhead();
    expect(['10', '11', '12'].map((o) => a.firstSight('t/0', o))).toEqual([true, true, true]);
    a.markBehind('t/0', '10');
    a.markBehind('t/0', '12'); // already behind: the first unstored offset stays
    expect(a.takeRewind('t/0')).toBe('10');
    expect(a.isBehind('t/0')).toBe(false);
    expect(['10', '11', '12', '13'].map((o) => a.firstSight('t/0', o))).toEqual([false, false, false, true]);
    expect(a.firstSight('t/1', '10')).toBe(true); // partitions are independent
  });

  it('a new assignment starts afresh (Kafka resumes from the committed offsets)', () => {
    const a = new DetectAhead();
    a.firstSight('t/0', '5');
    a.markBehind('t/0', '5');
    a.reset();
    expect(a.isBehind('t/0')).toBe(false);
    expect(a.firstSight('t/0', '5')).toBe(true);
  });
});
