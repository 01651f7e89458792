// One keyspace scan of one shard, start to finish: decide where it runs (scan-target.ts),
// open its connections, scan, and build the KeyspaceScanV1 (plus a HotKeysV1 when OBJECT
// FREQ could be read). Shared by the keyspace sampler and `redscope scan`.
import type { Redis } from 'ioredis';
import type { Config } from '../../../common/config.ts';
import { errorMessage } from '../../../common/errors.ts';
import type { Logger } from '../../../common/log.ts';
import type { HotKeysV1, InstanceRef, KeyspaceScanV1 } from '../../../contracts/index.ts';
import { openScanConnections, type ScanConnections } from './connections.ts';
import { isLfu, planScan, readFacts } from './scan-target.ts';
import { scanKeyspace, type ScanProgress } from './scanner.ts';

export type KeyspaceOptions = Config['collector']['keyspace'];

export type ScanShardResult = { skipped: string } | { keyspace: KeyspaceScanV1; hotkeys: HotKeysV1 | null };

export async function scanShard(
  base: Redis,
  ref: InstanceRef,
  opts: KeyspaceOptions,
  ctx: {
    collector: string;
    commandTimeoutMs: number;
    explicit?: boolean;
    log?: Logger;
    signal?: AbortSignal;
    onProgress?: (p: ScanProgress) => void;
  },
): Promise<ScanShardResult> {
  const facts = await readFacts(base);
  const plan = planScan(facts, { preferReplica: opts.preferReplica, explicit: ctx.explicit });
  if (plan.action === 'skip') return { skipped: plan.reason };

  let conns: ScanConnections;
  let scannedOn: KeyspaceScanV1['scannedOn'];
  const connOpts = { clusterEnabled: facts.clusterEnabled, commandTimeoutMs: ctx.commandTimeoutMs };
  if (plan.on === 'self') {
    conns = await openScanConnections(base, 'self', connOpts);
    scannedOn = { id: ref.id, role: facts.role === 'replica' ? 'replica' : 'master' };
  } else {
    const replicaId = `${plan.on.host}:${plan.on.port}`;
    try {
      conns = await openScanConnections(base, plan.on, connOpts);
      scannedOn = { id: replicaId, role: 'replica' };
    } catch (err) {
      // "Prefer": a replica the collector cannot reach (announced address, firewall) must
      // not leave the shard unscanned; the guard and rate limit protect the master.
      ctx.log?.warn(
        { instance: ref.id, replica: replicaId, err: errorMessage(err) },
        'replica unreachable; scanning the master',
      );
      conns = await openScanConnections(base, 'self', connOpts);
      scannedOn = { id: ref.id, role: 'master' };
    }
  }

  try {
    // OBJECT FREQ answers only under an LFU policy, and it is the scanned node's policy that counts.
    const policy = scannedOn.id === ref.id ? facts.maxmemoryPolicy : (await readFacts(conns.scan)).maxmemoryPolicy;
    const withFreq = isLfu(policy);
    const outcome = await scanKeyspace(
      conns,
      { ...opts, withFreq },
      { ...(ctx.signal ? { signal: ctx.signal } : {}), ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}) },
    );
    const ts = Date.now();
    const keyspace: KeyspaceScanV1 = {
      v: 1,
      kind: 'keyspace',
      ts,
      instance: ref,
      scannedOn,
      collector: ctx.collector,
      patterns: outcome.result.patterns,
      topKeysByBytes: outcome.result.topKeysByBytes,
      topKeysByLength: outcome.result.topKeysByLength,
      stats: outcome.stats,
    };
    const hotkeys: HotKeysV1 | null = withFreq
      ? {
          v: 1,
          kind: 'hotkeys',
          ts,
          instance: ref,
          observedOn: scannedOn.id,
          collector: ctx.collector,
          method: 'object-freq',
          windowMs: outcome.stats.durationMs,
          keys: outcome.result.hotKeys.map((h) => ({
            key: h.key,
            pattern: h.pattern,
            metric: 'lfu-counter',
            score: h.freq,
          })),
          slots: [],
        }
      : null;
    return { keyspace, hotkeys };
  } finally {
    conns.close();
  }
}
