import { describe, expect, it } from 'vitest';
import { initialCondition, stepCondition, type ConditionState } from './condition.ts';

function run(values: Array<[number, boolean]>, opts = { forMs: 10, clearForMs: 20 }) {
  let s: ConditionState = initialCondition();
  const out: string[] = [];
  for (const [t, v] of values) {
    const r = stepCondition(s, v, t, opts);
    s = r.state;
    if (r.transition) out.push(`${r.transition}@${t}`);
  }
  return out;
}

describe('condition with hysteresis', () => {
  it('fires only after holding for forMs', () => {
    expect(
      run([
        [0, true],
        [5, true],
        [10, true],
        [15, true],
      ]),
    ).toEqual(['fire@10']);
  });

  it('a blip shorter than forMs never fires', () => {
    expect(
      run([
        [0, true],
        [5, false],
        [6, true],
        [12, false],
      ]),
    ).toEqual([]);
  });

  it('resolves only after being clear for clearForMs, so a flapping value fires once', () => {
    expect(
      run([
        [0, true],
        [10, true],
        [12, false],
        [14, true],
        [16, false],
        [30, false],
        [36, false],
      ]),
    ).toEqual(['fire@10', 'resolve@36']);
  });

  it('fires immediately with forMs 0', () => {
    expect(run([[0, true]], { forMs: 0, clearForMs: 0 })).toEqual(['fire@0']);
  });
});
