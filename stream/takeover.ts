// Taking over partitions from another processor. Its last inserts for them may still be
// running in ClickHouse when Kafka hands them over (it rejoined the group with a flush in
// flight, or died mid-insert); reading the watermarks before they finish would store
// those messages a second time. So before reading, wait until every redscope insert of
// another processor that is running now has finished. A processor never *starts* an
// insert for a partition while a rebalance is in progress (ownership.ts), so those are
// all that can still land. The query list is read twice, SETTLE_MS apart, so a request
// that reached the server just before is seen too. On a cluster every replica is asked.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { sql, type SqlFragment } from '../common/sql.ts';
import type { EveryServer } from '../clickhouse/every-server.ts';
import { INSERT_QUERY_PREFIX } from './fenced-insert.ts';

const SETTLE_MS = 500;
const POLL_MS = 200;

/** Running inserts of other processors (query ids). Pure SQL builder. */
export function otherInsertsSql(ownId: string, from: SqlFragment = sql`system.processes`): SqlFragment {
  return sql`SELECT query_id FROM ${from} WHERE startsWith(query_id, ${INSERT_QUERY_PREFIX}) AND NOT startsWith(query_id, ${`${INSERT_QUERY_PREFIX}${ownId}:`})`;
}

async function otherInserts(
  client: ClickHouseClient,
  ownId: string,
  from: SqlFragment,
  servers: EveryServer,
): Promise<Set<string>> {
  const rs = await client.query({
    query: otherInsertsSql(ownId, from).text,
    format: 'JSONEachRow',
    clickhouse_settings: servers.settings(),
  });
  return new Set((await rs.json<{ query_id: string }>()).map((r) => r.query_id));
}

/** Resolves when the other processors' inserts running now have finished. */
export async function waitForOtherInserts(
  client: ClickHouseClient,
  ownId: string,
  servers: EveryServer,
): Promise<{ waitedFor: number }> {
  const from = await servers.from('system', 'processes');
  const waiting = await otherInserts(client, ownId, from, servers);
  await sleep(SETTLE_MS);
  for (const id of await otherInserts(client, ownId, from, servers)) waiting.add(id);
  const waitedFor = waiting.size;
  while (waiting.size > 0) {
    await sleep(POLL_MS);
    const running = await otherInserts(client, ownId, from, servers);
    for (const id of waiting) if (!running.has(id)) waiting.delete(id);
  }
  return { waitedFor };
}
