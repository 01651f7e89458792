// Keyset pagination: "rows after this sort key" as a WHERE/HAVING condition, written out
// as nested OR/AND (not tuple comparison) so it runs the same on 18.16 and current ClickHouse.
import { joinSql, sql, SqlFragment, type SqlValue } from '../../common/sql.ts';

export interface KeyColumn {
  /** A column or expression from code, never from input. */
  expr: SqlFragment;
  direction: 'asc' | 'desc';
}

/** Rows strictly after `values` in the order of `columns`. */
export function keysetAfter(columns: readonly KeyColumn[], values: readonly SqlValue[]): SqlFragment {
  const build = (i: number): SqlFragment => {
    const c = columns[i]!;
    const v = values[i]!;
    const beyond = c.direction === 'desc' ? sql`${c.expr} < ${v}` : sql`${c.expr} > ${v}`;
    if (i === columns.length - 1) return beyond;
    return sql`(${beyond} OR (${c.expr} = ${v} AND ${build(i + 1)}))`;
  };
  return build(0);
}

export function orderBy(columns: readonly KeyColumn[]): SqlFragment {
  return joinSql(
    columns.map((c) => new SqlFragment(`${c.expr.text} ${c.direction === 'desc' ? 'DESC' : 'ASC'}`)),
    ', ',
  );
}

/** `WHERE a AND b …`, or nothing. */
export function where(conditions: ReadonlyArray<SqlFragment | undefined | false>): SqlFragment {
  const present = conditions.filter((c): c is SqlFragment => c instanceof SqlFragment);
  return present.length === 0 ? new SqlFragment('') : sql`WHERE ${joinSql(present, ' AND ')}`;
}
