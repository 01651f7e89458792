// The `silences` table (migrations/0020): rows ↔ SilenceV1, and the queries the alert
// manager (silences in force) and the API (list, one, insert) run on it. One row per
// change; FINAL keeps the newest version of each id.
import Type from 'typebox';
import { identifier, sql, type SqlFragment } from '../common/sql.ts';
import { SilenceMatcher, type SilenceV1, validator } from '../contracts/index.ts';

export interface SilenceRow {
  id: string;
  version: number;
  matchers: string;
  starts_at_ms: number;
  ends_at_ms: number;
  created_by: string;
  comment: string;
  created_at_ms: number;
  updated_at_ms: number;
}

const table = (database: string) => identifier(`${database}.silences`);

/** Silences not yet over at `nowMs` (active or pending). */
export function openSilencesSql(database: string, nowMs: number): SqlFragment {
  return sql`SELECT * FROM ${table(database)} FINAL WHERE ends_at_ms > ${Math.trunc(nowMs)}`;
}

/** Silences still open or ended after `endedAfterMs`, the latest ending first. */
export function silencesSql(database: string, endedAfterMs: number, limit: number): SqlFragment {
  return sql`SELECT * FROM ${table(database)} FINAL WHERE ends_at_ms > ${Math.trunc(endedAfterMs)} ORDER BY ends_at_ms DESC, id LIMIT ${Math.trunc(limit)}`;
}

export function silenceByIdSql(database: string, id: string): SqlFragment {
  return sql`SELECT * FROM ${table(database)} FINAL WHERE id = ${id}`;
}

export function silencesTable(database: string): string {
  return table(database).text;
}

const checkMatchers = validator(Type.Array(SilenceMatcher, { minItems: 1, maxItems: 20 }));

/** A stored silence, or null when its row does not parse (then it is skipped, never matched). */
export function silenceFromRow(r: Record<string, unknown>): SilenceV1 | null {
  let matchers: unknown;
  try {
    matchers = JSON.parse(String(r.matchers));
  } catch {
    return null;
  }
  const checked = checkMatchers(matchers);
  if (!checked.ok) return null;
  return {
    id: String(r.id),
    matchers: checked.value,
    startsAtMs: Number(r.starts_at_ms),
    endsAtMs: Number(r.ends_at_ms),
    createdBy: String(r.created_by),
    comment: String(r.comment),
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
  };
}

export function silenceRow(s: SilenceV1): SilenceRow {
  return {
    id: s.id,
    version: s.updatedAtMs,
    matchers: JSON.stringify(s.matchers),
    starts_at_ms: s.startsAtMs,
    ends_at_ms: s.endsAtMs,
    created_by: s.createdBy,
    comment: s.comment,
    created_at_ms: s.createdAtMs,
    updated_at_ms: s.updatedAtMs,
  };
}
