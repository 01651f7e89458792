import { describe, expect, it } from 'vitest';
import { matcherMatches, parseMatcher, silenceProblems, silenceState } from '../contracts/index.ts';
import { matchersOf, parseDuration } from './silence.ts';

describe('redscope silence', () => {
  it('reads durations the way people write them', () => {
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(() => parseDuration('2 hours')).toThrow(/expected a duration such as 90s/);
    expect(() => parseDuration('0m')).toThrow();
  });

  it('turns --cluster/--rule/--match into matchers and refuses to silence everything', () => {
    expect(
      matchersOf({ cluster: 'orders', rule: 'failover', match: ['old_master=~10\\.0\\..*'], comment: 'x' }),
    ).toEqual([
      { name: 'cluster', op: '=', value: 'orders' },
      { name: 'rule', op: '=', value: 'failover' },
      { name: 'old_master', op: '=~', value: '10\\.0\\..*' },
    ]);
    expect(() => matchersOf({ comment: 'x' })).toThrow(/say what to silence/);
    expect(() => matchersOf({ match: ['no operator'], comment: 'x' })).toThrow(/--match/);
  });
});

describe('silence matchers', () => {
  it('match like Alertmanager: regular expressions are anchored, a missing label is empty', () => {
    const labels = { cluster: 'orders-eu', rule: 'failover' };
    expect(matcherMatches(parseMatcher('cluster=~orders'), labels)).toBe(false);
    expect(matcherMatches(parseMatcher('cluster=~orders.*'), labels)).toBe(true);
    expect(matcherMatches(parseMatcher('rule!=failover'), labels)).toBe(false);
    expect(matcherMatches(parseMatcher('instance='), labels)).toBe(true);
    expect(matcherMatches(parseMatcher('instance!~.+'), labels)).toBe(true);
  });

  it('a bad regular expression or an end before the start is refused with the field named', () => {
    expect(silenceProblems({ matchers: [parseMatcher('rule=~(')], startsAtMs: 0, endsAtMs: 1 })[0]).toMatch(
      /^matchers\/0\/value: not a valid regular expression/,
    );
    expect(silenceProblems({ matchers: [parseMatcher('rule=x')], startsAtMs: 5, endsAtMs: 5 })).toEqual([
      'endsAt: must be after startsAt',
    ]);
  });

  it('is pending, active, then expired', () => {
    const s = { startsAtMs: 100, endsAtMs: 200 };
    expect([50, 100, 199, 200].map((t) => silenceState(s, t))).toEqual(['pending', 'active', 'active', 'expired']);
  });
});
