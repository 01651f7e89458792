// Every API endpoint against real ClickHouse, with rows written by the project's own row
// builders (stream/rows/*, alerts/store.ts) and the schema from migrate(): the values the
// API returns are checked against what was written.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyRow, stateRow } from '../alerts/store.ts';
import { buildApp } from '../api/app.ts';
import { toBucketMap } from '../api/latency-figures.ts';
import { ARRIVAL_MARGIN_SECONDS } from '../api/late-data.ts';
import { piecedSums } from '../api/latency-pieces.ts';
import { DEFAULT_CACHE_TTLS } from '../api/plugins/caches.ts';
import { planSummary } from '../api/queries/latency-tier.ts';
import { latencySummarySql, type SummaryRow } from '../api/queries/latency.ts';
import { selectRows } from '../api/queries/run.ts';
import { createClickHouse } from '../common/clickhouse.ts';
import { identifier } from '../common/sql.ts';
import {
  type AlertEventV1,
  type InfoSampleV1,
  type KeyspaceScanV1,
  type SlowlogSampleV1,
  type TopologySampleV2,
  topologyV1ToV2,
} from '../contracts/index.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { hotkeysRows } from '../stream/rows/hotkeys-rows.ts';
import { infoRows } from '../stream/rows/info-rows.ts';
import { latencyRows } from '../stream/rows/latency-rows.ts';
import { keyspaceRows } from '../stream/rows/keyspace-rows.ts';
import { slowlogRows } from '../stream/rows/slowlog-rows.ts';
import type { TableRows } from '../stream/rows/source.ts';
import { statusRows } from '../stream/rows/status-rows.ts';
import { topologyRows } from '../stream/rows/topology-rows.ts';
import { dropDatabase, testConfig, uniqueName } from './support/pipeline.ts';
import { syntheticInfo } from './support/synthetic.ts';

const config = testConfig();
const db = config.clickhouse.database;
const clickhouse = createClickHouse(config.clickhouse);
const app = buildApp({ clickhouse, database: db });
const cluster = uniqueName('apie');
const nowSec = Math.floor(Date.now() / 1000);
const ids = ['10.9.0.1:7000', '10.9.0.2:7001', '10.9.0.3:7002'];
const src = (offset: number) => ({ topic: 't', partition: 0, offset });

/**
 * get: 2 µs/call (per call: 80 % in 1–2 µs, 20 % in 2–4 µs); set: 10 µs/call, on instance 0
 * 20 µs (80 % in 8–16 µs, 20 % in 33–66 µs), elsewhere 8–16 µs. Instances 0 and 1 send
 * per-call histograms (Redis 7); instance 2 plays a Redis 6.2 without LATENCY HISTOGRAM.
 */
function info(i: number, tsSec: number, intervalS: number): InfoSampleV1 {
  const base = syntheticInfo(cluster, i, 3);
  const histograms = i !== 2;
  const n = intervalS;
  return {
    ...base,
    ts: tsSec * 1000,
    instance: { id: ids[i]!, host: ids[i]!.split(':')[0]!, port: Number(ids[i]!.split(':')[1]), cluster },
    role: i === 1 ? 'replica' : 'master',
    intervalMs: intervalS * 1000,
    latencyHistogram: histograms ? 'ok' : 'unsupported',
    commands: [
      {
        command: 'get',
        calls: 0,
        usec: 0,
        callsDelta: 10 * n,
        usecDelta: 20 * n,
        ...(histograms ? { latencyBuckets: [0, 8 * n, 2 * n] } : {}),
      },
      {
        command: 'set',
        calls: 0,
        usec: 0,
        callsDelta: 5 * n,
        usecDelta: (i === 0 ? 100 : 50) * n,
        ...(histograms ? { latencyBuckets: i === 0 ? [0, 0, 0, 0, 4 * n, 0, n] : [0, 0, 0, 0, 5 * n] } : {}),
      },
      { command: 'keys', calls: 0, usec: 0, callsDelta: 0, usecDelta: 0 },
    ],
  };
}

/** Hourly samples for 3 days, then every 10 s for the last 10 minutes. */
const infoSamples: InfoSampleV1[] = [];
for (let h = 72; h >= 1; h--) for (let i = 0; i < 3; i++) infoSamples.push(info(i, nowSec - h * 3600 + 7, 3600));
for (let s = 600; s >= 10; s -= 10) for (let i = 0; i < 3; i++) infoSamples.push(info(i, nowSec - s, 10));

function callsIn(command: string, fromSec: number, toSec: number, instance?: string): number {
  return infoSamples
    .filter(
      (m) => m.ts / 1000 >= fromSec && m.ts / 1000 < toSec && (instance === undefined || m.instance.id === instance),
    )
    .reduce((sum, m) => sum + (m.commands.find((c) => c.command === command)?.callsDelta ?? 0), 0);
}

function topologySample(observer: number, tsMs: number, changes: TopologySampleV2['changes']): TopologySampleV2 {
  const nodes = ids.map((id, k) => ({
    id: `node${k}`,
    host: id.split(':')[0]!,
    port: Number(id.split(':')[1]),
    busPort: 17000,
    role: k === 1 ? ('replica' as const) : ('master' as const),
    ...(k === 1 ? { masterId: 'node0' } : {}),
    flags: k === observer ? ['myself'] : [],
    failing: null,
    configEpoch: 1,
    linkState: 'connected' as const,
    pingSentMs: 0,
    pongRecvMs: 0,
    slots: k === 0 ? [[0, 8191] as [number, number]] : k === 2 ? [[8192, 16383] as [number, number]] : [],
    migrating: [],
    importing: [],
  }));
  return topologyV1ToV2({
    v: 1,
    kind: 'topology',
    ts: tsMs,
    instance: { id: ids[observer]!, host: 'h', port: 7000, cluster },
    collector: 'test',
    durationUs: 100,
    myId: `node${observer}`,
    clusterState: 'ok',
    slotsAssigned: 16384,
    slotsOk: 16384,
    slotsPfail: 0,
    slotsFail: 0,
    knownNodes: 3,
    size: 2,
    currentEpoch: 2,
    myEpoch: 1,
    nodes,
    viewHash: '0123456789abcdef',
    viewChanged: true,
    keyframe: false,
    changes,
  });
}

const slowEntries: SlowlogSampleV1['entries'] = Array.from({ length: 30 }, (_, k) => ({
  id: k,
  loggedAtS: nowSec - 300 + Math.floor(k / 4), // four entries share each second
  durationUs: 10_000 + k,
  command: k % 3 === 0 ? 'keys' : 'get',
  args: k % 3 === 0 ? ['*'] : [`user:${k}`],
  argCount: 2,
  argsTruncated: false,
  clientAddr: k % 2 === 0 ? `10.1.1.1:${5000 + k}` : '10.1.1.2:6000',
  clientName: k % 2 === 0 ? 'worker' : '',
}));

function scan(tsMs: number, userBytes: number): KeyspaceScanV1 {
  const hist = { none: 10, lt1m: 0, lt1h: 1, lt1d: 0, lt7d: 0, ge7d: 0 };
  return {
    v: 1,
    kind: 'keyspace',
    ts: tsMs,
    instance: { id: ids[0]!, host: 'h', port: 7000, cluster },
    scannedOn: { id: ids[1]!, role: 'replica' },
    collector: 'test',
    patterns: [
      {
        pattern: 'user:*',
        type: 'hash',
        keys: userBytes / 100,
        bytes: userBytes,
        elements: 5,
        noTtl: 10,
        ttlHistogram: hist,
        maxBytes: 900,
        exampleKey: 'user:1',
      },
      {
        pattern: 'session:*',
        type: 'string',
        keys: 50,
        bytes: 5000,
        elements: 50,
        noTtl: 0,
        ttlHistogram: { ...hist, none: 0, lt1h: 50 },
        maxBytes: 100,
        exampleKey: 'session:9',
      },
    ],
    topKeysByBytes: [
      { key: 'user:1', pattern: 'user:*', type: 'hash', bytes: 900, length: 40, ttlMs: -1 },
      { key: 'session:9', pattern: 'session:*', type: 'string', bytes: 100, length: 90, ttlMs: 60_000 },
    ],
    topKeysByLength: [
      { key: 'session:9', pattern: 'session:*', type: 'string', bytes: 100, length: 90, ttlMs: 60_000 },
    ],
    stats: {
      keysScanned: 60,
      dbsizeAtStart: 60,
      vanished: 0,
      durationMs: 10,
      pausedMs: 0,
      mode: 'lua',
      batches: 1,
      probeBaselineUs: 50,
      probeMaxUs: 80,
      keysPerSecond: 0,
      ttlRead: true,
    },
  };
}

const failover: AlertEventV1 = {
  v: 1,
  kind: 'alert',
  ts: (nowSec - 120) * 1000,
  fingerprint: 'fp-failover',
  rule: 'failover',
  status: 'firing',
  severity: 'critical',
  cluster,
  instance: ids[0],
  labels: { old_master: ids[0]! },
  summary: `failover in ${cluster}`,
  details: 'replica promoted',
  hints: ['KEYS * took 3000 ms on the old master'],
};

async function insert(tables: TableRows[]): Promise<void> {
  const byTable = new Map<string, Record<string, unknown>[]>();
  for (const t of tables) for (const [name, rows] of t) byTable.set(name, [...(byTable.get(name) ?? []), ...rows]);
  for (const [name, rows] of byTable)
    if (rows.length > 0)
      await clickhouse.insert({ table: identifier(`${db}.${name}`).text, values: rows, format: 'JSONEachRow' });
}

/** When beforeAll stored the samples (every one of them "late": older than a minute). */
let insertedAtMs = 0;

beforeAll(async () => {
  await migrate(clickhouse, db);
  const changes = (k: number) =>
    Array.from({ length: 5 }, (_, c) => ({
      kind: 'role' as const,
      nodeId: `node${c}`,
      addr: ids[c % 3]!,
      from: 'replica',
      to: `master${k}`,
    }));
  await insert([
    ...infoSamples.map((m, k) => infoRows(m, src(k))),
    topologyRows(topologySample(0, (nowSec - 30) * 1000, changes(0)), src(1)),
    topologyRows(topologySample(1, (nowSec - 29) * 1000, changes(1)), src(2)),
    topologyRows(topologySample(2, (nowSec - 29) * 1000, changes(2)), src(3)),
    statusRows(
      {
        v: 1,
        kind: 'instance-status',
        ts: Date.now(),
        instance: { id: ids[2]!, host: 'h', port: 7002, cluster },
        collector: 'test',
        reachable: false,
        error: 'connect ECONNREFUSED',
        since: Date.now() - 5000,
      },
      src(4),
    ),
    slowlogRows(
      {
        v: 1,
        kind: 'slowlog',
        ts: nowSec * 1000,
        instance: { id: ids[0]!, host: 'h', port: 7000, cluster },
        collector: 'test',
        runId: 'r1',
        entries: slowEntries.slice(0, 20),
        reset: false,
        missed: 0,
      },
      src(5),
    ),
    slowlogRows(
      {
        v: 1,
        kind: 'slowlog',
        ts: nowSec * 1000,
        instance: { id: ids[2]!, host: 'h', port: 7002, cluster },
        collector: 'test',
        runId: 'r2',
        entries: slowEntries.slice(20),
        reset: false,
        missed: 0,
      },
      src(6),
    ),
    keyspaceRows(scan((nowSec - 2 * 86400) * 1000, 10_000), src(7)),
    keyspaceRows(scan((nowSec - 3600) * 1000, 30_000), src(8)),
    hotkeysRows(
      {
        v: 1,
        kind: 'hotkeys',
        ts: (nowSec - 60) * 1000,
        instance: { id: ids[0]!, host: 'h', port: 7000, cluster },
        observedOn: ids[0]!,
        collector: 'test',
        method: 'object-freq',
        windowMs: 1000,
        keys: [
          { key: 'user:1', pattern: 'user:*', metric: 'lfu-counter', score: 200 },
          { key: 'user:2', pattern: 'user:*', metric: 'lfu-counter', score: 100 },
        ],
        slots: [{ slot: 42, keyCount: 7 }],
      },
      src(9),
    ),
  ]);
  const state = {
    fingerprint: failover.fingerprint,
    event: failover,
    status: 'firing' as const,
    firingSinceMs: failover.ts,
    resolvedAtMs: 0,
    lastEventTsMs: failover.ts,
    changedAtMs: failover.ts,
    notifiedStatus: 'firing' as const,
    lastNotifiedMs: failover.ts,
    flaps: 0,
    notifiedFlapping: false,
    notifiedCause: '',
    causeAtMs: 0,
    version: 1,
  };
  await clickhouse.insert({
    table: identifier(`${db}.alerts`).text,
    values: [
      historyRow(state, 'fired', failover.ts),
      historyRow(state, 'notified', failover.ts + 500, { receiver: 'ops-slack', notificationId: 'n1' }),
    ],
    format: 'JSONEachRow',
  });
  await clickhouse.insert({
    table: identifier(`${db}.alert_state`).text,
    values: [stateRow({ ...state, partition: 0 }, failover.ts)],
    format: 'JSONEachRow',
  });
  insertedAtMs = Date.now();
});

afterAll(async () => {
  await app.close();
  await dropDatabase(config);
  await clickhouse.close();
});

const get = async (url: string) => {
  const res = await app.inject({ url });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json();
};

/** Every item of a paginated list, following nextCursor. */
async function allPages(url: string): Promise<{ items: Array<Record<string, unknown>>; pages: number }> {
  const items: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const body = await get(`${url}${url.includes('?') ? '&' : '?'}${cursor ? `cursor=${cursor}` : ''}`);
    items.push(...body.items);
    cursor = body.nextCursor;
    pages++;
  } while (cursor !== null && pages < 100);
  return { items, pages };
}

describe('inventory', () => {
  it('lists the cluster with its masters and replicas', async () => {
    const body = await get('/v1/clusters');
    expect(body.items.find((c: { name: string }) => c.name === cluster)).toMatchObject({
      instances: 3,
      masters: 2,
      replicas: 1,
      versions: ['7.0.15'],
      state: 'ok',
    });
  });

  it('lists instances with role, slots and health from INFO, topology and reachability', async () => {
    const body = await get(`/v1/clusters/${cluster}/instances`);
    expect(body.items.map((i: { id: string }) => i.id)).toEqual(ids);
    const [a, b, c] = body.items;
    expect(a).toMatchObject({
      role: 'master',
      nodeId: 'node0',
      slots: { count: 8192, ranges: [[0, 8191]] },
      health: 'ok',
      reachable: true,
      version: '7.0.15',
    });
    expect(b).toMatchObject({ role: 'replica', masterId: 'node0', slots: { count: 0 } });
    expect(c).toMatchObject({ health: 'down', reachable: false });
    expect(c.healthReasons[0]).toMatch(/ECONNREFUSED/);
  });

  it('filters instances by role and pages through them', async () => {
    expect(
      (await get(`/v1/clusters/${cluster}/instances?role=replica`)).items.map((i: { id: string }) => i.id),
    ).toEqual([ids[1]]);
    const { items, pages } = await allPages(`/v1/clusters/${cluster}/instances?limit=1`);
    expect(items.map((i) => i.id)).toEqual(ids);
    expect(pages).toBe(3);
  });

  it('topology changes: every row exactly once across pages, newest first', async () => {
    const { items, pages } = await allPages(`/v1/clusters/${cluster}/topology/changes?kind=role&limit=4`);
    expect(pages).toBe(4);
    expect(items).toHaveLength(15);
    expect(new Set(items.map((c) => `${c.observer}|${c.nodeId}|${c.tsMs}`)).size).toBe(15);
    expect(items[0]!.tsMs as number).toBeGreaterThanOrEqual(items[14]!.tsMs as number);
  });
});

describe('latency', () => {
  it('top commands over the last hour read per-sample buckets: exact calls, µs/call, per-call percentiles', async () => {
    const body = await get(`/v1/clusters/${cluster}/latency/commands?from=${nowSec - 1800}&to=${nowSec}`);
    expect(body.tiers).toEqual(['raw']);
    expect(body.items.map((c: { command: string }) => c.command)).toEqual(['set', 'get']); // `keys` had no calls
    const [set, get_] = body.items;
    expect(get_).toMatchObject({ calls: callsIn('get', nowSec - 1800, nowSec + 1), usecPerCall: 2, basis: 'calls' });
    // Instance 2 (no histograms) made a third of the calls.
    expect(get_.histogramCoverage).toBeCloseTo(2 / 3, 3);
    // 80 % of the calls in (1, 2] µs: p50 is 5/8 of the way through it; p99 in (2, 4].
    expect(get_.p50).toBeCloseTo(1.625, 3);
    expect(get_.bounds.p50).toEqual({ lowerUs: 1, upperUs: 2 });
    expect(get_.bounds.p99).toEqual({ lowerUs: 2, upperUs: 4 });
    expect(set.usecPerCall).toBeCloseTo(40 / 3, 2); // instances at 20, 10, 10 µs
    // 1 in 10 of the histogrammed set calls took 33–66 µs: p99 in that bucket, however fast the mean.
    expect(set.bounds.p99).toEqual({ lowerUs: 33, upperUs: 66 });
  });

  it('a server without LATENCY HISTOGRAM falls back to percentiles of per-sample means, labelled as such', async () => {
    const body = await get(`/v1/clusters/${cluster}/latency/commands?from=${nowSec - 1800}&instance=${ids[2]}`);
    const get_ = body.items.find((c: { command: string }) => c.command === 'get');
    expect(get_).toMatchObject({ basis: 'sample-means', histogramCoverage: 0, usecPerCall: 2 });
    expect(get_.bounds.p99).toEqual({ lowerUs: 1, upperUs: 2 }); // every sample's mean is 2 µs
  });

  it('calls/s is divided by the time the samples cover, not by the range asked for', async () => {
    // A cluster first sampled 5 minutes ago, asked about the last hour.
    const fresh = uniqueName('fresh');
    const samples = Array.from({ length: 30 }, (_, k) => ({
      ...info(0, nowSec - 300 + k * 10, 10),
      instance: { id: '10.8.0.1:7000', host: '10.8.0.1', port: 7000, cluster: fresh },
    }));
    await insert(samples.map((m, k) => infoRows(m, src(1000 + k))));
    const body = await get(`/v1/clusters/${fresh}/latency/commands?from=${nowSec - 3600}&to=${nowSec}`);
    const get_ = body.items.find((c: { command: string }) => c.command === 'get');
    expect(get_.calls).toBe(30 * 100);
    expect(body.coveredSeconds).toBeGreaterThan(280);
    expect(body.coveredSeconds).toBeLessThanOrEqual(301);
    expect(get_.callsPerSec).toBeGreaterThan(9.9); // 10 calls/s, not 3000 / 3600 = 0.83
    expect(get_.callsPerSec).toBeLessThan(10.8);
  });

  it('a 24 h summary stitches hour and minute rollups and counts every call once', async () => {
    const range = { fromSec: nowSec - 86400 + 1234, toSec: nowSec };
    const body = await get(
      `/v1/clusters/${cluster}/latency/commands?from=${range.fromSec}&to=${range.toSec}&order=calls`,
    );
    const parts = planSummary(range);
    expect(body.tiers.sort()).toEqual(['hour', 'minute']);
    expect(body.items[0]).toMatchObject({
      command: 'get',
      calls: callsIn('get', parts[0]!.fromSec, parts.at(-1)!.toSec),
    });
  });

  it('a long-range summary assembled from cached pieces equals one query over the same parts', async () => {
    await app.ready();
    for (const [range, instance] of [
      [{ fromSec: nowSec - 3 * 86400 + 777, toSec: nowSec - 5 }, undefined],
      [{ fromSec: nowSec - 86400 + 1234, toSec: nowSec }, ids[0]],
      // Edges on and beside hour and day boundaries, and a window wholly in the past.
      [{ fromSec: nowSec - (nowSec % 86400) - 86400, toSec: nowSec - (nowSec % 3600) - 1 }, undefined],
      [{ fromSec: nowSec - (nowSec % 3600) - 7200 + 1, toSec: nowSec - (nowSec % 3600) + 59 }, ids[1]],
      [{ fromSec: nowSec - 2 * 86400 - 61, toSec: nowSec - 86400 + 61 }, undefined],
    ] as const) {
      const parts = planSummary(range);
      const f = { database: db, cluster, instance };
      const pieced = await piecedSums(app, f, parts);
      const direct = await selectRows<SummaryRow>(clickhouse, latencySummarySql(f, parts));
      expect(direct.length).toBeGreaterThan(0);
      for (const r of direct) {
        const p = pieced.byCommand.get(r.command)!;
        expect([p.calls, p.usec], r.command).toEqual([Number(r.calls_total), Number(r.usec_total)]);
        expect(
          [...p.lat].sort((a, b) => a[0] - b[0]),
          r.command,
        ).toEqual([...toBucketMap(r.lat)].sort((a, b) => a[0] - b[0]));
        expect([...p.means].sort((a, b) => a[0] - b[0])).toEqual([...toBucketMap(r.means)].sort((a, b) => a[0] - b[0]));
      }
      expect(pieced.byCommand.size).toBe(direct.length);
      expect(pieced.firstSec).toBe(Math.min(...direct.map((r) => Number(r.first_s))));
      expect(pieced.endSec).toBe(Math.max(...direct.map((r) => Number(r.end_s))));
    }
    // Asked again, the pieces come from the cache — once the samples inserted above as
    // "late" (all of them are older than a minute) are older than the arrival margin.
    await sleep(Math.max(0, insertedAtMs + (ARRIVAL_MARGIN_SECONDS + 2) * 1000 - Date.now()));
    await piecedSums(
      app,
      { database: db, cluster },
      planSummary({ fromSec: nowSec - 3 * 86400 + 777, toSec: nowSec - 5 }),
    );
    const hits = app.pieceCache.stats.hits;
    await piecedSums(
      app,
      { database: db, cluster },
      planSummary({ fromSec: nowSec - 3 * 86400 + 777, toSec: nowSec - 5 }),
    );
    expect(app.pieceCache.stats.hits).toBeGreaterThan(hits);
  });

  it('a sample arriving late for a past hour shows in the next summary, not when its cached piece expires', async () => {
    const late = uniqueName('late');
    const sampleOf = (tsSec: number, intervalS: number) => ({
      ...info(0, tsSec, intervalS),
      instance: { id: '10.7.0.1:7000', host: '10.7.0.1', port: 7000, cluster: late },
    });
    await insert(
      Array.from({ length: 48 }, (_, h) => infoRows(sampleOf(nowSec - (h + 2) * 3600, 3600), src(2000 + h))),
    );
    await sleep((ARRIVAL_MARGIN_SECONDS + 2) * 1000);
    const url = `/v1/clusters/${late}/latency/commands?from=${nowSec - 50 * 3600}&to=${nowSec - 600}&order=calls`;
    const callsOfGet = async () =>
      (await get(url)).items.find((c: { command: string }) => c.command === 'get').calls as number;
    const before = await callsOfGet();
    expect(before).toBe(48 * 3600 * 10);
    const hits = app.pieceCache.stats.hits;
    expect(await callsOfGet()).toBe(before);
    expect(app.pieceCache.stats.hits).toBeGreaterThan(hits); // wholly in the past: kept for minutes

    // A collector sends its spill after an outage: a sample of 30 hours ago, stored now.
    await insert([infoRows(sampleOf(nowSec - 30 * 3600 + 1800, 60), src(2100))]);
    const t0 = Date.now();
    let after = before;
    while (after === before && Date.now() - t0 < 10_000) {
      await sleep(200);
      after = await callsOfGet();
    }
    expect(after).toBe(before + 60 * 10);
    expect(Date.now() - t0).toBeLessThan(3000); // not the 5 minutes a past piece is otherwise kept
  });

  it('a fresh sample shows in a summary that reaches the present within seconds', async () => {
    const present = uniqueName('present');
    const sampleOf = (tsSec: number) => ({
      ...info(0, tsSec, 10),
      instance: { id: '10.6.0.1:7000', host: '10.6.0.1', port: 7000, cluster: present },
    });
    const now = () => Math.floor(Date.now() / 1000);
    await insert(Array.from({ length: 12 }, (_, k) => infoRows(sampleOf(now() - 5000 + k * 10), src(3000 + k))));
    const url = `/v1/clusters/${present}/latency/commands?from=${now() - 2 * 3600}&to=${now() + 60}&order=calls`;
    const callsOfGet = async () =>
      (await get(url)).items.find((c: { command: string }) => c.command === 'get').calls as number;
    const before = await callsOfGet();
    expect(before).toBe(12 * 100);
    await insert([infoRows(sampleOf(now() - 1), src(3100))]);
    const t0 = Date.now();
    let after = before;
    while (after === before && Date.now() - t0 < 15_000) {
      await sleep(250);
      after = await callsOfGet();
    }
    expect(after).toBe(before + 100);
    expect(Date.now() - t0).toBeLessThan(DEFAULT_CACHE_TTLS.recentResultMs + 1500);
  });

  it('one instance: only its calls; p99 ordering finds the slow instance', async () => {
    const body = await get(
      `/v1/clusters/${cluster}/latency/commands?from=${nowSec - 86400}&instance=${ids[0]}&order=p99&limit=1`,
    );
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ command: 'set', usecPerCall: 20, basis: 'calls', histogramCoverage: 1 });
    expect(body.items[0].bounds.p99).toEqual({ lowerUs: 33, upperUs: 66 });
  });

  it('series: the tier follows the range, and the points add up to the calls', async () => {
    const raw = await get(`/v1/clusters/${cluster}/latency?command=get&from=${nowSec - 600}&to=${nowSec}&step=60`);
    expect(raw).toMatchObject({ tier: 'raw', step: 60, commands: ['get'], basis: 'calls' });
    const total = raw.points.reduce((s: number, p: { calls: number }) => s + p.calls, 0);
    expect(total).toBe(callsIn('get', raw.from, raw.to));
    expect(raw.points.every((p: { usecPerCall: number }) => p.usecPerCall === 2)).toBe(true);
    // Whole steps inside the samples: 10 calls/s per instance, 3 instances.
    expect(raw.points[3].callsPerSec).toBe(30);
    expect(raw.points.every((p: { bounds: { p99: unknown } }) => p.bounds.p99 !== null)).toBe(true);

    const minute = await get(`/v1/clusters/${cluster}/latency?from=${nowSec - 86400}&step=90`);
    expect(minute).toMatchObject({ tier: 'minute', step: 120, commands: null });
    const hour = await get(`/v1/clusters/${cluster}/latency?from=${nowSec - 3 * 86400}&instance=${ids[0]}&command=SET`);
    expect(hour).toMatchObject({ tier: 'hour', instance: ids[0], commands: ['set'] });
    expect(hour.points.length).toBeGreaterThan(60);
    expect(hour.points[0].usecPerCall).toBe(20);
  });

  it('heatmap: calls per bucket per step, every bucket between the fastest and slowest with its bounds', async () => {
    const body = await get(
      `/v1/clusters/${cluster}/latency/heatmap?command=set&instance=${ids[0]}&from=${nowSec - 600}&step=300`,
    );
    expect(body.buckets).toEqual([
      { bucket: 4, lowerUs: 8, upperUs: 16 },
      { bucket: 5, lowerUs: 16, upperUs: 33 },
      { bucket: 6, lowerUs: 33, upperUs: 66 },
    ]);
    const sums = body.points.reduce(
      (acc: number[], p: { counts: number[] }) => acc.map((x, k) => x + p.counts[k]!),
      [0, 0, 0],
    );
    const calls = callsIn('set', body.from, body.to, ids[0]);
    expect(sums).toEqual([calls * 0.8, 0, calls * 0.2]);
  });

  it("who makes the tail: instances ranked by their calls in the cluster's p99 bucket or slower", async () => {
    const body = await get(`/v1/clusters/${cluster}/latency/tail?command=set&from=${nowSec - 1800}&to=${nowSec}`);
    // Cluster (instances 0 and 1): 45 of 50 set calls per 10 s in 8–16 µs, 5 in 33–66 µs → p99 in 33–66.
    expect(body.tailBucket).toEqual({ lowerUs: 33, upperUs: 66 });
    expect(body.items[0]).toMatchObject({ instance: ids[0], tailShare: 1, tailFraction: 0.2 });
    expect(body.items[1]).toMatchObject({ instance: ids[1], tailCalls: 0 });
    expect(body.tailCalls).toBe(callsIn('set', body.from, body.to, ids[0]) * 0.2);
  });

  it('two sides per instance: execution inside Redis beside the PING round trip', async () => {
    const probes = ids.flatMap((id, i) =>
      Array.from({ length: 5 }, (_, k) =>
        latencyRows(
          {
            v: 1,
            kind: 'latency',
            ts: (nowSec - 200 + k * 10) * 1000,
            instance: { id, host: 'h', port: 7000 + i, cluster },
            collector: 'test',
            probe: {
              count: 10,
              failed: 0,
              minUs: 180,
              maxUs: 250,
              meanUs: 200,
              p50Us: 200,
              p90Us: 240,
              p99Us: 250,
              p999Us: 250,
              buckets: [
                { leUs: 192, count: 5 },
                { leUs: 256, count: 5 },
              ],
            },
            events: [],
          },
          src(2000 + i * 10 + k),
        ),
      ),
    );
    await insert(probes);
    const body = await get(`/v1/clusters/${cluster}/latency/instances?command=get&from=${nowSec - 1800}&to=${nowSec}`);
    expect(body.items.map((x: { instance: string }) => x.instance)).toEqual(ids);
    const [a] = body.items;
    expect(a.execution).toMatchObject({ usecPerCall: 2, basis: 'calls' });
    expect(a.execution.bounds.p50).toEqual({ lowerUs: 1, upperUs: 2 });
    expect(a.roundTrip).toMatchObject({ pings: 50, failed: 0, meanUs: 200 });
    expect(a.roundTrip.bounds.p50).toEqual({ lowerUs: 128, upperUs: 192 });
    expect(a.roundTrip.bounds.p99).toEqual({ lowerUs: 192, upperUs: 256 });
    expect(body.items[2].execution.basis).toBe('sample-means');
  });

  it('compare: this hour against the one before, per command', async () => {
    const body = await get(`/v1/clusters/${cluster}/latency/compare?from=${nowSec - 3600}&to=${nowSec}`);
    const get_ = body.items.find((c: { command: string }) => c.command === 'get');
    expect(get_.current.usecPerCall).toBe(2);
    expect(get_.baseline.usecPerCall).toBe(2);
    expect(get_.usecPerCallRatio).toBe(1);
    expect(body.baseline.to).toBe(body.current.from);
  });
});

describe('slowlog', () => {
  it('every entry exactly once across pages, newest first, even when many share a second', async () => {
    const { items, pages } = await allPages(`/v1/clusters/${cluster}/slowlog?from=${nowSec - 3600}&limit=7`);
    expect(pages).toBe(5);
    expect(items).toHaveLength(30);
    expect(new Set(items.map((e) => `${e.instance}|${e.entryId}`)).size).toBe(30);
    const ts = items.map((e) => e.ts as number);
    expect([...ts].sort((a, b) => b - a)).toEqual(ts);
  });

  it('filters by instance, command, client address, client name and duration', async () => {
    const q = (qs: string) =>
      get(`/v1/clusters/${cluster}/slowlog?from=${nowSec - 3600}&limit=1000&${qs}`).then((b) => b.items.length);
    expect(await q(`instance=${ids[2]}`)).toBe(10);
    expect(await q('command=KEYS')).toBe(10);
    expect(await q('client=10.1.1.2')).toBe(15);
    expect(await q('client=10.1.1.1:5000')).toBe(1);
    expect(await q('client=worker')).toBe(15);
    expect(await q('minDurationUs=10025')).toBe(5);
  });

  it('groups entries into normalised patterns', async () => {
    const body = await get(`/v1/clusters/${cluster}/slowlog/patterns?from=${nowSec - 3600}`);
    expect(body.items.map((p: { pattern: string; entries: number }) => [p.pattern, p.entries])).toEqual([
      ['get user:*', 20],
      ['keys *', 10],
    ]);
  });
});

describe('keys', () => {
  it('big keys of the latest scan, by bytes and by length', async () => {
    expect((await get(`/v1/clusters/${cluster}/keys/big`)).items.map((k: { key: string }) => k.key)).toEqual([
      'user:1',
      'session:9',
    ]);
    const byLength = await get(`/v1/clusters/${cluster}/keys/big?by=length`);
    expect(byLength.items).toEqual([
      expect.objectContaining({ key: 'session:9', length: 90, ttlMs: 60_000, scannedOn: ids[1] }),
    ]);
  });

  it('hot keys by score, hot slots on request', async () => {
    expect(
      (await get(`/v1/clusters/${cluster}/keys/hot`)).items.map((k: { key: string; score: number }) => [
        k.key,
        k.score,
      ]),
    ).toEqual([
      ['user:1', 200],
      ['user:2', 100],
    ]);
    expect((await get(`/v1/clusters/${cluster}/keys/hot?metric=slot`)).items).toEqual([
      expect.objectContaining({ slot: 42, score: 7 }),
    ]);
  });

  it('patterns of the latest scan with no-TTL counts and TTL histogram, paginated', async () => {
    const { items } = await allPages(`/v1/clusters/${cluster}/keys/patterns?limit=1`);
    expect(items).toEqual([
      expect.objectContaining({
        pattern: 'user:*',
        bytes: 30_000,
        keys: 300,
        noTtl: 10,
        ttlHistogram: { none: 10, lt1m: 0, lt1h: 1, lt1d: 0, lt7d: 0, ge7d: 0 },
      }),
      expect.objectContaining({ pattern: 'session:*', bytes: 5000 }),
    ]);
  });

  it('the pattern that grew, and by how much', async () => {
    const body = await get(`/v1/clusters/${cluster}/keys/patterns/growth`);
    expect(body.items).toEqual([
      expect.objectContaining({ pattern: 'user:*', bytesBefore: 10_000, bytesNow: 30_000, growth: 20_000 }),
    ]);
    expect(body.items[0].growthPerDay).toBeGreaterThan(9_000);
  });
});

describe('events and alerts', () => {
  it('a failover with its root-cause hints', async () => {
    const body = await get(`/v1/clusters/${cluster}/events`);
    expect(body.items).toEqual([
      expect.objectContaining({
        rule: 'failover',
        transition: 'fired',
        hints: failover.hints,
        labels: { old_master: ids[0] },
      }),
    ]);
  });

  it('current state and full history', async () => {
    expect((await get(`/v1/alerts?cluster=${cluster}&status=firing`)).items).toEqual([
      expect.objectContaining({
        fingerprint: 'fp-failover',
        status: 'firing',
        summary: failover.summary,
        hints: failover.hints,
      }),
    ]);
    const history = await get(`/v1/alerts/history?cluster=${cluster}`);
    expect(history.items.map((t: { transition: string; receiver: string }) => [t.transition, t.receiver])).toEqual([
      ['notified', 'ops-slack'],
      ['fired', ''],
    ]);
  });
});

describe('freshness and docs', () => {
  it('reports how far behind the newest samples are, per table', async () => {
    const body = await get(`/v1/freshness?cluster=${cluster}`);
    const infoRow = body.tables.find((t: { table: string }) => t.table === 'info_samples');
    expect(infoRow.lagMs).toBeGreaterThanOrEqual(10_000 - 2000);
    expect(infoRow.lagMs).toBeLessThan(120_000);
    expect(body.tables.map((t: { table: string }) => t.table)).toEqual(
      expect.arrayContaining(['topology_samples', 'key_patterns', 'hot_keys']),
    );
  });

  it('the OpenAPI document lists every route', async () => {
    const doc = await get('/v1/openapi.json');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    for (const r of [
      'GET /v1/health',
      'GET /v1/ready',
      'GET /v1/freshness',
      'GET /v1/whoami',
      'POST /v1/admin/cache/flush',
      'GET /v1/clusters',
      'GET /v1/clusters/{cluster}/instances',
      'GET /v1/clusters/{cluster}/topology/changes',
      'GET /v1/instances/{id}/metrics',
      'GET /v1/clusters/{cluster}/latency',
      'GET /v1/clusters/{cluster}/latency/commands',
      'GET /v1/clusters/{cluster}/latency/compare',
      'GET /v1/clusters/{cluster}/slowlog',
      'GET /v1/clusters/{cluster}/slowlog/patterns',
      'GET /v1/clusters/{cluster}/keys/big',
      'GET /v1/clusters/{cluster}/keys/hot',
      'GET /v1/clusters/{cluster}/keys/patterns',
      'GET /v1/clusters/{cluster}/keys/patterns/growth',
      'GET /v1/clusters/{cluster}/events',
      'GET /v1/alerts',
      'GET /v1/alerts/history',
    ])
      expect(documented, r).toContain(r);
    // …and nothing registered under /v1 is missing from it (routes seen as they are added).
    const probe = buildApp({ clickhouse, database: db });
    const registered: string[] = [];
    probe.addHook('onRoute', (r) => {
      for (const m of [r.method].flat())
        if (r.url.startsWith('/v1/') && m !== 'HEAD' && r.url !== '/v1/openapi.json')
          registered.push(`${m} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    });
    await probe.ready();
    await probe.close();
    expect(registered.length).toBeGreaterThanOrEqual(21);
    expect(documented.sort()).toEqual(expect.arrayContaining(registered.sort()));
    expect((await app.inject({ url: '/docs' })).statusCode).toBe(200);
  });
});
