// A condition with hysteresis, shared by threshold detectors: it must hold for `forMs`
// before it fires, and must be clear for `clearForMs` before it resolves, so a value
// hovering at the threshold does not flap. Pure; the state is plain JSON.

export interface ConditionState {
  /** When the condition was first seen true in the current run of true observations. */
  trueSince: number | null;
  /** When it was first seen false while firing. */
  falseSince: number | null;
  firing: boolean;
  firedAt: number | null;
}

export type Transition = 'fire' | 'resolve' | null;

export function initialCondition(): ConditionState {
  return { trueSince: null, falseSince: null, firing: false, firedAt: null };
}

export function stepCondition(
  s: ConditionState,
  isTrue: boolean,
  now: number,
  opts: { forMs: number; clearForMs: number },
): { state: ConditionState; transition: Transition } {
  const next = { ...s };
  if (isTrue) {
    next.falseSince = null;
    next.trueSince ??= now;
    if (!next.firing && now - next.trueSince >= opts.forMs) {
      next.firing = true;
      next.firedAt = now;
      return { state: next, transition: 'fire' };
    }
    return { state: next, transition: null };
  }
  next.trueSince = null;
  if (!next.firing) return { state: next, transition: null };
  next.falseSince ??= now;
  if (now - next.falseSince >= opts.clearForMs) {
    next.firing = false;
    next.falseSince = null;
    return { state: next, transition: 'resolve' };
  }
  return { state: next, transition: null };
}
