// Persists detector state in ClickHouse (migrations/0009_detector_state.sql).
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { identifier, sql, type SqlFragment } from '../../common/sql.ts';

export interface StoredState {
  detector: string;
  subject: string;
  state: unknown;
}

export function loadStatesSql(database: string): SqlFragment {
  const table = identifier(`${database}.detector_state`);
  return sql`SELECT detector, subject, argMax(state, updated_ms) AS state FROM ${table} GROUP BY detector, subject`;
}

export async function loadStates(client: ClickHouseClient, database: string): Promise<StoredState[]> {
  const rs = await client.query({ query: loadStatesSql(database).text, format: 'JSONEachRow' });
  const rows = await rs.json<{ detector: string; subject: string; state: string }>();
  return rows.flatMap((r) => {
    try {
      return [{ detector: r.detector, subject: r.subject, state: JSON.parse(r.state) as unknown }];
    } catch {
      return []; // a corrupt row is dropped: the detector starts that subject afresh
    }
  });
}

export async function saveStates(
  client: ClickHouseClient,
  database: string,
  states: readonly StoredState[],
): Promise<void> {
  if (states.length === 0) return;
  const now = Date.now();
  await client.insert({
    table: identifier(`${database}.detector_state`).text,
    values: states.map((s) => ({
      detector: s.detector,
      subject: s.subject,
      state: JSON.stringify(s.state ?? null),
      updated_ms: now,
    })),
    format: 'JSONEachRow',
  });
}
