// Runs a read query with a server-side time limit, so one heavy request cannot stall
// ClickHouse for everybody else.
import type { ClickHouseClient } from '@clickhouse/client';
import type { SqlFragment } from '../../common/sql.ts';

export const QUERY_TIME_LIMIT_SECONDS = 10;

export async function selectRows<T>(client: ClickHouseClient, query: SqlFragment): Promise<T[]> {
  const rs = await client.query({
    query: query.text,
    format: 'JSONEachRow',
    // readonly 2 (reads only; settings such as the time limit still allowed), not 1: the
    // reader user runs at readonly = 2, and ClickHouse refuses any *change* of `readonly`
    // by a read-only user, while 2 → 2 is no change. With any other user it makes the query read-only.
    clickhouse_settings: { max_execution_time: QUERY_TIME_LIMIT_SECONDS, readonly: '2' },
  });
  return rs.json<T>();
}
