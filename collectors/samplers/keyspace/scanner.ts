// Scans one instance's keyspace: batches from an inspector (Lua or pipeline), paced by the
// rate limiter, with a PING probe on a separate connection between batches feeding the
// latency guard. While a batch is in flight the previous one is decoded and aggregated,
// so the collector's own work overlaps the server's.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { ScanStats } from '../../../contracts/index.ts';
import { KeyspaceAggregator, type AggregateResult } from './aggregate.ts';
import type { Batch, BatchInspector } from './inspector.ts';
import { LuaInspector } from './lua-inspector.ts';
import { LatencyGuard, RateLimiter } from './pacing.ts';
import { PipelineInspector } from './pipeline-inspector.ts';

export interface ScanSettings {
  mode: 'lua' | 'pipeline';
  /** SCAN COUNT per batch: with Lua, also how long (~3 µs per key) the server is busy at a time. */
  batchKeys: number;
  /** 0 = unlimited. */
  keysPerSecond: number;
  latencyGuard: { enabled: boolean; multiple: number; minThresholdMs: number; pauseMs: number; probeEveryMs: number };
  topN: number;
  maxPatterns: number;
  /** Read OBJECT FREQ for each key (only valid under an LFU maxmemory-policy). */
  withFreq: boolean;
  progressEveryMs: number;
  /** Read PTTL even when INFO says no key has a TTL (for benchmarks). */
  alwaysReadTtl?: boolean;
}

export interface ScanProgress {
  keysScanned: number;
  dbsize: number;
  /** Estimated from DBSIZE at the start; capped at 99 until SCAN says it is done. */
  percent: number;
  elapsedMs: number;
  pausedMs: number;
}

export interface ScanOutcome {
  result: AggregateResult;
  stats: ScanStats;
}

export class ScanAbortedError extends Error {
  override name = 'ScanAbortedError';
}

/** Pattern-miner tree nodes kept while scanning: bounds memory on any keyspace (pattern-miner.ts). */
const MAX_LIVE_NODES = 50_000;

export async function scanKeyspace(
  conns: { scan: Redis; probe: Redis },
  settings: ScanSettings,
  hooks: { signal?: AbortSignal; onProgress?: (p: ScanProgress) => void } = {},
): Promise<ScanOutcome> {
  const started = Date.now();
  // A database without any key with a TTL (INFO keyspace `expires=0`) answers PTTL -1 for
  // every key: skip the call (one of four per key; ~7 % of the scan's server time measured).
  // A TTL set during the scan is then missed, which a periodic statistic can afford.
  const readTtl = settings.alwaysReadTtl === true || (await keysWithTtl(conns.scan)) > 0;
  const inspectorOpts = { batchKeys: settings.batchKeys, withFreq: settings.withFreq, readTtl };
  // In cluster mode a multi-key command must stay within one slot: no MGET there.
  const useMget = settings.mode === 'lua' && !(await clusterEnabled(conns.scan));
  const inspector: BatchInspector =
    settings.mode === 'lua'
      ? new LuaInspector(conns.scan, { ...inspectorOpts, useMget })
      : new PipelineInspector(conns.scan, inspectorOpts);
  const aggregator = new KeyspaceAggregator({
    topN: settings.topN,
    maxPatterns: settings.maxPatterns,
    maxLiveNodes: MAX_LIVE_NODES,
  });
  const limiter = new RateLimiter(settings.keysPerSecond);
  const guardOpts = settings.latencyGuard;
  const guard = new LatencyGuard(guardOpts);
  const dbsize = Number(await conns.scan.dbsize());

  // Nine PINGs 5 ms apart: their median is the instance's latency before we add to its load.
  const baseline: number[] = [];
  for (let i = 0; i < 9; i++) {
    baseline.push(await probeMs(conns.probe));
    await sleep(5);
  }
  const baselineMs = guard.setBaseline(baseline);
  let probeMaxMs = 0;
  let lastProbeAt = Date.now();
  let lastProgressAt = Date.now();
  let pausedMs = 0;
  let keysScanned = 0;
  let vanished = 0;
  let batches = 0;

  const checkAbort = () => {
    if (hooks.signal?.aborted)
      throw new ScanAbortedError(`scan aborted after ${keysScanned} keys, ${Date.now() - started} ms`);
  };

  let inFlight: Promise<Batch> | null = inspector.batch('0');
  try {
    await scanLoop();
  } catch (err) {
    inFlight?.catch(() => {}); // a batch still in flight fails with the connection; already reported
    throw err;
  }

  async function scanLoop(): Promise<void> {
    while (inFlight) {
      const batch: Batch = await inFlight;
      batches++;
      checkAbort();
      let waitMs = limiter.waitAfter(batch.count, Date.now(), guard.factor);
      if (guardOpts.enabled && Date.now() - lastProbeAt >= guardOpts.probeEveryMs && batch.cursor !== '0') {
        // Between batches: nothing of ours is running on the server, so the RTT is the instance's.
        const rtt = await probeMs(conns.probe);
        lastProbeAt = Date.now();
        probeMaxMs = Math.max(probeMaxMs, rtt);
        const decision = guard.observe(rtt);
        if (decision.action === 'pause') {
          waitMs = Math.max(waitMs, decision.pauseMs);
          pausedMs += decision.pauseMs;
        }
      }
      // An abort ends the wait early (the timer rejects); checkAbort then says how far the scan got.
      if (waitMs >= 1) await sleep(waitMs, undefined, { signal: hooks.signal }).catch(() => {});
      checkAbort();
      inFlight = batch.cursor === '0' ? null : inspector.batch(batch.cursor);
      // Decode and aggregate while the next batch runs on the server.
      const done = batch.each((k) => aggregator.add(k));
      keysScanned += done.inspected;
      vanished += done.vanished;

      if (hooks.onProgress && Date.now() - lastProgressAt >= settings.progressEveryMs) {
        lastProgressAt = Date.now();
        hooks.onProgress({
          keysScanned,
          dbsize,
          percent: dbsize > 0 ? Math.min(99, Math.floor((keysScanned / dbsize) * 100)) : 0,
          elapsedMs: Date.now() - started,
          pausedMs,
        });
      }
    }
  }

  const result = aggregator.result();
  return {
    result,
    stats: {
      keysScanned,
      dbsizeAtStart: dbsize,
      vanished,
      durationMs: Date.now() - started,
      pausedMs,
      mode: inspector.mode,
      batches,
      probeBaselineUs: Math.round(baselineMs * 1000),
      probeMaxUs: Math.round(probeMaxMs * 1000),
      keysPerSecond: settings.keysPerSecond,
      ttlRead: readTtl,
    },
  };
}

/** Keys with a TTL in database 0 (the only one a cluster has), from INFO keyspace. */
async function keysWithTtl(redis: Redis): Promise<number> {
  const db0 = /^db0:.*\bexpires=(\d+)/m.exec(await redis.info('keyspace'));
  return db0 ? Number(db0[1]) : 0;
}

async function clusterEnabled(redis: Redis): Promise<boolean> {
  return /^cluster_enabled:1/m.test(await redis.info('cluster'));
}

async function probeMs(redis: Redis): Promise<number> {
  const t = process.hrtime.bigint();
  await redis.ping();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
