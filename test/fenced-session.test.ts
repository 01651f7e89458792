// A fenced insert's session outlives a quiet minute: a table the processor writes less than
// once a minute (topology_nodes on a calm cluster) must find its session still there. Every
// query of a session resets its timeout to the query's own session_timeout — the server's
// 60 s default when the query names none — so an insert sent without it shortened the
// session opened for an hour, and the next insert, 60+ s later, failed with "Session not
// found" (code 372) and a retry (seen in the quiet benchmark's server log).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClickHouse } from '../common/clickhouse.ts';
import { createLogger } from '../common/log.ts';
import { identifier } from '../common/sql.ts';
import { Watermarks } from '../clickhouse/watermarks.ts';
import { FencedTable } from '../stream/fenced-insert.ts';
import { dropDatabase, testConfig } from './support/pipeline.ts';

const config = testConfig();
const db = config.clickhouse.database;
const ch = createClickHouse(config.clickhouse);
/** Longer than ClickHouse's default session timeout (default_session_timeout, 60 s). */
const QUIET_MS = 65_000;

beforeAll(async () => {
  await ch.command({ query: `CREATE DATABASE IF NOT EXISTS ${identifier(db).text}` });
  await ch.command({
    query: `CREATE TABLE ${identifier(`${db}.quiet_table`).text} (x UInt32, kafka_topic String, kafka_partition UInt32, kafka_offset UInt64) ENGINE = MergeTree ORDER BY x`,
  });
});

afterAll(async () => {
  await ch.close();
  await dropDatabase(config);
});

it('an insert more than a minute after the last one uses the same session, without an error', async () => {
  const errors: string[] = [];
  const table = new FencedTable(ch, 'quiet_table', {
    database: db,
    cluster: null,
    processorId: 'session-test',
    log: createLogger('test', 'silent'),
    stopped: () => false,
    onError: (m) => errors.push(m),
    watermarks: new Watermarks(ch, db),
  });
  const row = (offset: number) => ({ x: offset, kafka_topic: 't', kafka_partition: 0, kafka_offset: offset });
  expect(await table.store([row(1)])).toEqual({ fenced: 0, alreadyStored: 0 });
  await new Promise((r) => setTimeout(r, QUIET_MS));
  expect(await table.store([row(2)])).toEqual({ fenced: 0, alreadyStored: 0 });
  expect(errors).toEqual([]);
  const stored = await (
    await ch.query({ query: `SELECT count() AS n FROM ${identifier(`${db}.quiet_table`).text}`, format: 'JSONEachRow' })
  ).json();
  expect(stored).toEqual([{ n: '2' }]);
}, 120_000);
