import { describe, expect, it } from 'vitest';
import { expandMacros, MacroError, type MacroContext } from './macros.ts';

const ctx = (variables: MacroContext['variables'] = {}): MacroContext => ({
  fromSec: 1000,
  toSec: 2000,
  intervalSec: 60,
  variables,
});

describe('expandMacros', () => {
  it('expands the time macros the way the plugin backend does', () => {
    expect(
      expandMacros(
        'WHERE $__timeFilter(ts) AND x > $__fromTime AND x < $__toTime GROUP BY intDiv(toUInt32(ts), $__interval_s)',
        ctx(),
      ),
    ).toBe(
      'WHERE ts >= toDateTime(1000) AND ts <= toDateTime(2000) AND x > toDateTime(1000) AND x < toDateTime(2000) GROUP BY intDiv(toUInt32(ts), 60)',
    );
  });

  it('replaces $__conditionalAll by 1=1 when the variable is All, and by the condition otherwise', () => {
    const sql = 'WHERE $__conditionalAll(cluster IN (${cluster:singlequote}), $cluster) AND 1';
    expect(expandMacros(sql, ctx({ cluster: { values: ['a', 'b'], all: true, multi: true } }))).toBe('WHERE 1=1 AND 1');
    expect(expandMacros(sql, ctx({ cluster: { values: ['a', 'b'], multi: true } }))).toBe(
      "WHERE cluster IN ('a','b') AND 1",
    );
  });

  it('handles nested parentheses and several $__conditionalAll in one query', () => {
    const sql =
      '$__conditionalAll(lower(c) IN (${c:singlequote}), $c) AND $__conditionalAll(i IN (${i:singlequote}), ${i})';
    expect(
      expandMacros(sql, ctx({ c: { values: ['x'], multi: true }, i: { values: ['y'], all: true, multi: true } })),
    ).toBe("lower(c) IN ('x') AND 1=1");
  });

  it('quotes values like Grafana: :singlequote escapes quotes, a plain single value stays bare', () => {
    expect(expandMacros('${v:singlequote}', ctx({ v: { values: ["it's"] } }))).toBe("'it\\'s'");
    expect(expandMacros('x = $v', ctx({ v: { values: ['7'] } }))).toBe('x = 7');
    expect(expandMacros('x IN ($v)', ctx({ v: { values: ['1'], multi: true } }))).toBe("x IN ('1')");
  });

  it('puts a custom all value in as written for All, while $__conditionalAll still sees All', () => {
    const all = { values: ['a', 'b'], all: true, multi: true, allValue: "''" };
    expect(expandMacros('instance IN (${instance:singlequote})', ctx({ instance: all }))).toBe("instance IN ('')");
    expect(expandMacros('$__conditionalAll(i IN ($instance), $instance)', ctx({ instance: all }))).toBe('1=1');
    const picked = { values: ['a'], multi: true, allValue: "''" };
    expect(expandMacros('instance IN (${instance:singlequote})', ctx({ instance: picked }))).toBe("instance IN ('a')");
  });

  it('refuses a macro, a variable format or a variable it does not know', () => {
    expect(() => expandMacros('$__timeInterval(ts)', ctx())).toThrow(MacroError);
    expect(() => expandMacros('${v:csv}', ctx({ v: { values: ['a'] } }))).toThrow(/:csv/);
    expect(() => expandMacros('$nope', ctx())).toThrow(/\$nope/);
  });
});
