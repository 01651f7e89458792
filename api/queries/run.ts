// Runs a read query with a server-side time limit, so one heavy request cannot stall
// ClickHouse for everybody else.
import type { ClickHouseClient } from '@clickhouse/client';
import type { SqlFragment } from '../../common/sql.ts';

export const QUERY_TIME_LIMIT_SECONDS = 10;

export async function selectRows<T>(client: ClickHouseClient, query: SqlFragment): Promise<T[]> {
  const rs = await client.query({
    query: query.text,
    format: 'JSONEachRow',
    clickhouse_settings: { max_execution_time: QUERY_TIME_LIMIT_SECONDS, readonly: '1' },
  });
  return rs.json<T>();
}
