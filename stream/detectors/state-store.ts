// Persists detector state in ClickHouse (migrations 0009 and 0012). Each row records the
// Kafka partition whose messages feed its subject, so the processor that owns a partition
// loads exactly the states it owns (runner.ts).
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import { identifier, joinSql, sql, type SqlFragment } from '../../common/sql.ts';

export interface StateRoute {
  topic: string;
  partition: number;
}

export interface StoredState {
  detector: string;
  subject: string;
  state: unknown;
  /** Where the subject's messages arrive; absent for rows written before migration 0012. */
  route?: StateRoute;
}

/**
 * The states of subjects routed to `partitions` of `topic`, newest version of each; with
 * `legacy`, also rows written before routes were recorded (kafka_topic '').
 */
export function loadStatesSql(
  database: string,
  select: { topic: string; partitions: readonly number[] } | null,
  legacy = false,
): SqlFragment {
  const table = identifier(`${database}.detector_state`);
  const parts: SqlFragment[] = [];
  if (select && select.partitions.length > 0)
    parts.push(sql`(kafka_topic = ${select.topic} AND has(${select.partitions}, kafka_partition))`);
  if (legacy) parts.push(sql`kafka_topic = ''`);
  const where = parts.length > 0 ? joinSql(parts, ' OR ') : sql`0`;
  return sql`SELECT detector, subject, argMax(state, updated_ms) AS state, argMax(kafka_topic, updated_ms) AS topic, argMax(kafka_partition, updated_ms) AS partition FROM ${table} WHERE ${where} GROUP BY detector, subject`;
}

export async function loadStates(client: ClickHouseClient, query: SqlFragment): Promise<StoredState[]> {
  const rs = await client.query({ query: query.text, format: 'JSONEachRow' });
  const rows = await rs.json<{ detector: string; subject: string; state: string; topic: string; partition: number }>();
  return rows.flatMap((r) => {
    try {
      const route = r.topic ? { topic: r.topic, partition: Number(r.partition) } : undefined;
      return [{ detector: r.detector, subject: r.subject, state: JSON.parse(r.state) as unknown, route }];
    } catch {
      return []; // a corrupt row is dropped: the detector starts that subject afresh
    }
  });
}

export async function saveStates(
  client: ClickHouseClient,
  database: string,
  states: readonly StoredState[],
  queryId?: string,
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
      kafka_topic: s.route?.topic ?? '',
      kafka_partition: s.route?.partition ?? 0,
    })),
    format: 'JSONEachRow',
    query_id: queryId,
  });
}
