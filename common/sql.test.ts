import { describe, expect, it } from 'vitest';
import { identifier, literal, sql, SqlValueError, stringLiteral } from './sql.ts';

describe('SQL escaping', () => {
  it('escapes quotes and backslashes so a value cannot end its literal', () => {
    expect(stringLiteral("it's")).toBe("'it\\'s'");
    expect(stringLiteral('a\\')).toBe("'a\\\\'");
    expect(stringLiteral("\\' OR 1=1 --")).toBe("'\\\\\\' OR 1=1 --'");
  });

  it('escapes control characters and NUL', () => {
    expect(stringLiteral('a\nb\0c')).toBe("'a\\x0ab\\x00c'");
  });

  it('keeps unicode as is', () => {
    expect(stringLiteral('键:用户')).toBe("'键:用户'");
  });

  it('renders numbers, refusing NaN and infinity, and parenthesises negatives', () => {
    expect(literal(42)).toBe('42');
    expect(literal(-1)).toBe('(-1)');
    expect(() => literal(Number.NaN)).toThrow(SqlValueError);
    expect(() => literal(Infinity)).toThrow(SqlValueError);
  });

  it('renders dates as unix seconds and arrays element by element', () => {
    expect(literal(new Date(1_700_000_000_999))).toBe('toDateTime(1700000000)');
    expect(literal(['a', "b'"])).toBe("['a', 'b\\'']");
    expect(() => literal(new Date('nope'))).toThrow(SqlValueError);
  });

  it('the sql tag escapes every interpolated value', () => {
    const id = "x' UNION SELECT password FROM users --";
    expect(sql`SELECT 1 WHERE a = ${id} AND b > ${-5}`.text).toBe(
      "SELECT 1 WHERE a = 'x\\' UNION SELECT password FROM users --' AND b > (-5)",
    );
  });

  it('accepts plain and qualified identifiers and refuses anything else', () => {
    expect(identifier('redscope.info_samples').text).toBe('`redscope`.`info_samples`');
    expect(() => identifier('a`; DROP TABLE x')).toThrow(SqlValueError);
    expect(() => identifier('a.b.c')).toThrow(SqlValueError);
    expect(() => identifier('')).toThrow(SqlValueError);
  });
});
