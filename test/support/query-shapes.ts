// Every query shape redscope issues, built by the project's own query builders with
// sample values. test/sql-compat.test.ts runs each on ClickHouse 18.16 (the local
// server) and on current ClickHouse (chDB). A new query builder adds one line here.
import { instanceMetricsSql } from '../../api/queries/instance-metrics.ts';
import type { SqlFragment } from '../../common/sql.ts';
import { watermarksSql } from '../../stream/clickhouse/watermarks.ts';
import { failoverInfoSql, failoverSlowlogSql } from '../../stream/detectors/failover-hints.ts';
import { loadStatesSql } from '../../stream/detectors/state-store.ts';

export interface QueryShape {
  name: string;
  build(database: string): SqlFragment;
}

const now = 1_764_072_000;

export const QUERY_SHAPES: QueryShape[] = [
  { name: 'ingest watermarks', build: (db) => watermarksSql(db, 'redscope.info.v1', 0) },
  { name: 'detector state', build: (db) => loadStatesSql(db) },
  { name: 'failover hints: INFO before', build: (db) => failoverInfoSql(db, 'orders', '10.0.0.1:7000', now) },
  { name: 'failover hints: slowlog around', build: (db) => failoverSlowlogSql(db, 'orders', '10.0.0.1:7000', now) },
  {
    name: 'instance metrics',
    build: (db) => instanceMetricsSql({ database: db, instance: "10.0.0.1:7000'x", names: ['used_memory', "a'b"], fromSec: now - 3600, toSec: now, stepSec: 60 }),
  },
];
