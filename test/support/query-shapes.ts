// Every query shape redscope issues, built by the project's own query builders with
// sample values. test/sql-compat.test.ts runs each on ClickHouse 18.16 (the local
// server) and on current ClickHouse (chDB). A new query builder adds one line here.
import { alertHistorySql, alertStateSql } from '../../api/queries/alerts.ts';
import { freshnessSql } from '../../api/queries/freshness.ts';
import { instanceMetricsSql } from '../../api/queries/instance-metrics.ts';
import {
  clusterStatesSql,
  clustersSql,
  instancesSql,
  instanceStatusSql,
  topologyViewSql,
} from '../../api/queries/inventory.ts';
import { bigKeysSql, hotKeysSql, keyPatternsSql, patternGrowthSql } from '../../api/queries/keys.ts';
import { lateArrivalsSql } from '../../api/late-data.ts';
import { pieceSql } from '../../api/latency-pieces.ts';
import { planSeries, planSummary } from '../../api/queries/latency-tier.ts';
import {
  latencyByInstanceSql,
  latencySeriesSql,
  latencySummarySql,
  probesByInstanceSql,
} from '../../api/queries/latency.ts';
import { slowlogEntriesSql, slowlogGroupsSql } from '../../api/queries/slowlog.ts';
import { topologyChangesSql } from '../../api/queries/topology.ts';
import { identifier, type SqlFragment } from '../../common/sql.ts';
import { tableWatermarksSql, watermarksSql } from '../../clickhouse/watermarks.ts';
import { loadStatesSql } from '../../stream/detectors/state-store.ts';
import { patternsWithoutTtlSql } from '../../stream/detectors/non-expiring-keys.ts';

export interface QueryShape {
  name: string;
  build(database: string): SqlFragment;
}

const now = 1_764_072_000;

export const QUERY_SHAPES: QueryShape[] = [
  {
    name: 'ingest watermarks',
    build: (db) => watermarksSql(identifier(`${db}.ingest_watermarks`), 'redscope.info.v1', 0),
  },
  {
    name: "one table's watermarks after an unknown insert outcome",
    build: (db) =>
      tableWatermarksSql(identifier(`${db}.ingest_watermarks`), 'info_samples', 'redscope.info.v1', [0, 3]),
  },
  {
    name: 'detector state',
    build: (db) => loadStatesSql(db, { topic: 'redscope.topology.v1', partitions: [0, 2] }, true),
  },
  { name: 'non-expiring keys: patterns without TTL', build: (db) => patternsWithoutTtlSql(db, "orders'x") },
  {
    name: 'instance metrics',
    build: (db) =>
      instanceMetricsSql({
        database: db,
        instance: "10.0.0.1:7000'x",
        names: ['used_memory', "a'b"],
        fromSec: now - 3600,
        toSec: now,
        stepSec: 60,
      }),
  },
  // API (api/queries/*): every tier and the stitched hour+minute summary, with cursors and hostile values.
  ...(['raw', 'minute', 'hour'] as const).flatMap((tier) => {
    const range = { raw: 1800, minute: 86400, hour: 7 * 86400 }[tier];
    const plan = planSeries({ fromSec: now - range, toSec: now, stepSec: 60 }, now);
    const parts = planSummary({ fromSec: now - range + 125, toSec: now }, now);
    return [
      {
        name: `latency series ${tier}, cluster`,
        build: (db: string) => latencySeriesSql({ database: db, cluster: "c'1", commands: ['get', "x'y"] }, plan),
      },
      {
        name: `latency series ${tier}, instance`,
        build: (db: string) => latencySeriesSql({ database: db, cluster: 'compat', instance: '10.0.0.1:7000' }, plan),
      },
      {
        name: `latency summary ${tier}`,
        build: (db: string) => latencySummarySql({ database: db, cluster: 'compat' }, parts),
      },
      {
        name: `latency by instance ${tier}`,
        build: (db: string) =>
          latencyByInstanceSql({ database: db, cluster: 'compat', commands: ['get', "x'y"] }, parts),
      },
      {
        name: `PING probes by instance ${tier}`,
        build: (db: string) =>
          probesByInstanceSql({ database: db, cluster: 'compat', instance: "10.0.0.1:7000'" }, parts),
      },
    ];
  }),
  { name: 'latency piece: a day of hour rows', build: (db) => pieceSql(db, "c'1", '', 'hour', now - 86400) },
  { name: 'late arrivals of info samples (API caches)', build: (db) => lateArrivalsSql(db) },
  {
    name: 'latency piece: an hour of minute rows',
    build: (db) => pieceSql(db, 'compat', '10.0.0.1:7000', 'minute', now),
  },
  {
    name: 'latency summary, minute only',
    build: (db) =>
      latencySummarySql(
        { database: db, cluster: 'compat', instance: '10.0.0.1:7000' },
        planSummary({ fromSec: now - 5400, toSec: now - 3700 }, now),
      ),
  },
  { name: 'inventory: instances', build: (db) => instancesSql(db, 'compat', 0) },
  { name: 'inventory: clusters', build: (db) => clustersSql(db, 0) },
  { name: 'inventory: cluster states', build: (db) => clusterStatesSql(db, now - 600) },
  { name: 'inventory: topology view', build: (db) => topologyViewSql(db, 'compat', now - 600) },
  { name: 'inventory: instance status', build: (db) => instanceStatusSql(db, 'compat', now - 86400) },
  {
    name: 'topology changes',
    build: (db) =>
      topologyChangesSql({
        database: db,
        cluster: 'compat',
        fromSec: now - 3600,
        toSec: now,
        kinds: ['role', 'slots'],
        node: "n'1",
        after: [now * 1000, 'i', 'role', 'n', -1],
        limit: 10,
      }),
  },
  {
    name: 'slowlog entries',
    build: (db) =>
      slowlogEntriesSql(
        {
          database: db,
          cluster: 'compat',
          fromSec: now - 3600,
          toSec: now,
          instance: '10.0.0.1:7000',
          command: 'get',
          client: "1.2.3.4'",
          minDurationUs: 10,
        },
        { after: [now, 'i', 5, 'r'], limit: 10 },
      ),
  },
  {
    name: 'slowlog groups',
    build: (db) => slowlogGroupsSql({ database: db, cluster: 'compat', fromSec: now - 3600, toSec: now }),
  },
  {
    name: 'big keys',
    build: (db) =>
      bigKeysSql({ database: db, cluster: 'compat', instance: '10.0.0.1:7000', sinceSec: now - 86400 }, 'bytes', {
        after: [1000, 'i', "k'"],
        limit: 10,
      }),
  },
  {
    name: 'hot keys',
    build: (db) =>
      hotKeysSql({ database: db, cluster: 'compat', sinceSec: now - 86400 }, undefined, {
        after: ['lfu-counter', 1.5, 'i', 'k', -1],
        limit: 10,
      }),
  },
  {
    name: 'key patterns',
    build: (db) =>
      keyPatternsSql({ database: db, cluster: 'compat', sinceSec: now - 86400 }, 'no_ttl', {
        after: [10, 'user:*'],
        limit: 10,
      }),
  },
  {
    name: 'key pattern growth',
    build: (db) =>
      patternGrowthSql({ database: db, cluster: 'compat', sinceSec: now - 7 * 86400, toSec: now }, 'bytes', 10),
  },
  {
    name: 'alert history',
    build: (db) =>
      alertHistorySql({
        database: db,
        cluster: 'compat',
        fromSec: now - 86400,
        toSec: now,
        rule: 'failover',
        transitions: ['fired', 'resolved'],
        after: [now * 1000, 'f', 'fired', ''],
        limit: 10,
      }),
  },
  {
    name: 'alert state',
    build: (db) => alertStateSql({ database: db, status: 'firing', after: [now * 1000, 'f'], limit: 10 }),
  },
  { name: 'freshness', build: (db) => freshnessSql(db, { windowSec: 900, nowSec: now, cluster: 'compat' }) },
];
