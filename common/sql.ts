// The only place where values become SQL text.
//
// ClickHouse 18.16 has no server-side query parameters (`{x:UInt32}` fails with
// "Unknown setting param_x"), so every value that reaches a query is rendered here
// as a literal. Nothing else in the code base may concatenate outside input into SQL:
// build queries with the `sql` tag, which escapes every interpolated value.

/** A fragment of SQL that is already safe (produced by this module). */
export class SqlFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export class SqlValueError extends Error {
  override name = 'SqlValueError';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `name` or `db.name` as a back-quoted identifier; anything else is refused, never escaped. */
export function identifier(name: string): SqlFragment {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new SqlValueError(`not a valid identifier: ${JSON.stringify(name)}`);
  }
  return new SqlFragment(parts.map((p) => `\`${p}\``).join('.'));
}

/**
 * A ClickHouse string literal. Backslash and quote are escaped, and so are control
 * characters and NUL, which would otherwise end or corrupt the literal in some clients.
 */
export function stringLiteral(value: string): string {
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new SqlValueError(`not a finite number: ${value}`);
  // Negative numbers in parentheses so `x - ${n}` never turns into a comment (`--`).
  return value < 0 ? `(${String(value)})` : String(value);
}

export type SqlValue = string | number | bigint | boolean | Date | SqlFragment | readonly SqlValue[];

/** Any supported value as a literal. Dates become `toDateTime(<unix seconds>)`. */
export function literal(value: SqlValue): string {
  if (value instanceof SqlFragment) return value.text;
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'bigint') return value < 0n ? `(${value})` : String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new SqlValueError('invalid date');
    return `toDateTime(${Math.floor(ms / 1000)})`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => literal(v)).join(', ')}]`;
  throw new SqlValueError(`unsupported SQL value of type ${typeof value}`);
}

/** Tagged template: `sql\`SELECT * FROM t WHERE id = ${id}\`` with every value escaped. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment {
  let text = strings[0] ?? '';
  values.forEach((v, i) => {
    text += literal(v) + (strings[i + 1] ?? '');
  });
  return new SqlFragment(text);
}

/** Joins already-safe fragments, e.g. optional WHERE conditions. */
export function joinSql(parts: readonly SqlFragment[], separator: string): SqlFragment {
  return new SqlFragment(parts.map((p) => p.text).join(separator));
}
