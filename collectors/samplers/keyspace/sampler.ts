// Keyspace sampler: one scan per shard every `everyMs` (6 h by default), each run starting
// after a random delay of up to `jitterMs`, on one of the master's replicas by default.
// Emits one KeyspaceScanV1 (contracts/keyspace.ts documents every field) per completed
// scan, and a HotKeysV1 (method `object-freq`) when the scanned node runs an LFU policy.
// collectors/samplers/keyspace/README.md explains the method, its cost and its safety limits.
import { createLogger, type Logger } from '../../../common/log.ts';
import { TOPICS } from '../../../contracts/index.ts';
import { scanShard, type KeyspaceOptions } from './run-scan.ts';
import type { Sample, Sampler, SamplerContext, Target } from '../../sampler.ts';

export function keyspaceSampler(
  opts: KeyspaceOptions & { timeoutMs: number },
  log: Logger = createLogger('keyspace'),
): Sampler {
  return {
    name: 'keyspace',
    everyMs: opts.everyMs,
    // The runtime aborts the run after this: the jitter wait plus the scan's own limit.
    timeoutMs: opts.jitterMs + opts.scanTimeoutMs,
    async sample(target: Target, ctx: SamplerContext, signal: AbortSignal): Promise<Sample[]> {
      if (!opts.enabled) return [];
      await delay(Math.floor(Math.random() * opts.jitterMs), signal);
      if (signal.aborted) return [];
      const instance = target.ref.id;
      const result = await scanShard(target.redis, target.ref, opts, {
        collector: ctx.collector,
        // A Lua batch holds the server for ~3 µs per key: allow big batches on slow servers.
        commandTimeoutMs: Math.max(opts.timeoutMs, 10_000),
        log,
        signal,
        onProgress: (p) =>
          log.info(
            {
              instance,
              keys: p.keysScanned,
              dbsize: p.dbsize,
              percent: p.percent,
              elapsedMs: p.elapsedMs,
              pausedMs: p.pausedMs,
            },
            `keyspace scan ${p.percent}% done`,
          ),
      });
      if ('skipped' in result) return [];
      const s = result.keyspace.stats;
      log.info(
        {
          instance,
          scannedOn: result.keyspace.scannedOn.id,
          keys: s.keysScanned,
          durationMs: s.durationMs,
          pausedMs: s.pausedMs,
          patterns: result.keyspace.patterns.length,
        },
        'keyspace scan done',
      );
      const samples: Sample[] = [{ topic: TOPICS.keyspace, value: result.keyspace }];
      if (result.hotkeys) samples.push({ topic: TOPICS.hotkeys, value: result.hotkeys });
      return samples;
    },
  };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
