// Opaque cursors for keyset pagination. A cursor carries the sort key of the last row of a
// page; the next page starts strictly after it, so rows are neither repeated nor skipped
// even while new rows arrive. It also carries
// - a short hash of the query it belongs to (route + filters as the client sent them):
//   reusing it with other filters is a 400, not a silently odd page;
// - the time range the first page resolved (`to` defaults to "now", which moves): later
//   pages read exactly the same range.
// Cursors are not secret (base64url JSON); their values still reach SQL only as literals.
import { createHash } from 'node:crypto';
import { BadRequestError } from './time-range.ts';

export type CursorValue = string | number;
export type CursorShape = ReadonlyArray<'string' | 'number'>;
export interface FrozenRange {
  fromSec: number;
  toSec: number;
}

const VERSION = 1;

export function cursorScope(route: string, filters: Record<string, unknown>): string {
  const canonical = JSON.stringify([
    route,
    Object.keys(filters)
      .sort()
      .map((k) => [k, filters[k] ?? null]),
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

export function encodeCursor(scope: string, key: readonly CursorValue[], range?: FrozenRange): string {
  return Buffer.from(
    JSON.stringify({ v: VERSION, s: scope, k: key, ...(range ? { r: [range.fromSec, range.toSec] } : {}) }),
  ).toString('base64url');
}

export interface OpenedCursor {
  key: CursorValue[];
  range?: FrozenRange;
}

/** The sort key (and frozen range) in `raw`, checked against the query's scope and the key's shape. */
export function decodeCursor(raw: string, scope: string, shape: CursorShape): OpenedCursor {
  const fail = (why: string): never => {
    throw new BadRequestError(`cursor: ${why}; request the first page again without a cursor`);
  };
  const foreign = 'not a cursor returned by this API';
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(raw)) fail(foreign);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return fail(foreign);
  }
  if (typeof parsed !== 'object' || parsed === null) return fail(foreign);
  const { v, s, k, r } = parsed as { v?: unknown; s?: unknown; k?: unknown; r?: unknown };
  if (v !== VERSION || !Array.isArray(k)) return fail(foreign);
  if (s !== scope) return fail('it belongs to a query with other filters');
  if (k.length !== shape.length) return fail(foreign);
  k.forEach((value, i) => {
    const ok =
      shape[i] === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : typeof value === 'string' && value.length <= 1024;
    if (!ok) fail(foreign);
  });
  if (r === undefined) return { key: k as CursorValue[] };
  if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => Number.isSafeInteger(x) && x >= 0) || r[0] >= r[1])
    return fail(foreign);
  return { key: k as CursorValue[], range: { fromSec: r[0], toSec: r[1] } };
}

/** The request's cursor, opened (undefined on the first page). */
export function openCursor(raw: string | undefined, scope: string, shape: CursorShape): OpenedCursor | undefined {
  return raw === undefined ? undefined : decodeCursor(raw, scope, shape);
}

/** Queries fetch `limit + 1` rows: the extra one says whether another page exists. */
export function pageOf<T>(
  rows: readonly T[],
  limit: number,
  scope: string,
  keyOf: (row: T) => CursorValue[],
  range?: FrozenRange,
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows: [...rows], nextCursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: encodeCursor(scope, keyOf(page[page.length - 1]!), range) };
}
