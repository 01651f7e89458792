// Hot keys sampler: every `hotkeys.everyMs`, on masters and standalone instances, the best
// observation the server allows — HOTKEYS (Redis ≥ 8.6) if it has it, else a MONITOR window
// if explicitly enabled — plus CLUSTER SLOT-STATS (hot slots) where available. Emits one
// HotKeysV1 (contracts/hotkeys.ts) naming the method used; nothing when no method applies
// (under an LFU policy the keyspace scan reports OBJECT FREQ instead).
import type { Redis } from 'ioredis';
import type { HotKey, HotKeysV1, HotSlot } from '../../../contracts/index.ts';
import { TOPICS } from '../../../contracts/index.ts';
import { hotkeysWindow, isUnsupported, slotStats } from './server-hotkeys.ts';
import { monitorWindow, type MonitorResult } from './monitor-window.ts';
import { parseInfo } from '../info/parse-info.ts';
import type { KeyspaceOptions } from '../keyspace/run-scan.ts';
import type { Sample, Sampler, SamplerContext, Target } from '../../sampler.ts';

interface Capabilities {
  hotkeys: boolean;
  slotStats: boolean;
}

/**
 * By version, so servers without the commands never see (and count in errorstats) an
 * unknown-command error: HOTKEYS is Redis ≥ 8.6; CLUSTER SLOT-STATS is Valkey ≥ 8.0 or
 * Redis ≥ 8.2, in cluster mode. A server that still refuses is remembered as lacking it.
 */
export function capabilitiesOf(info: {
  redisVersion: string;
  valkeyVersion?: string;
  clusterEnabled: boolean;
}): Capabilities {
  const at = (v: string, major: number, minor: number) => {
    const [a = 0, b = 0] = v.split('.').map(Number);
    return a > major || (a === major && b >= minor);
  };
  const valkey = info.valkeyVersion !== undefined && info.valkeyVersion !== '';
  return {
    hotkeys: !valkey && at(info.redisVersion, 8, 6),
    slotStats: info.clusterEnabled && (valkey ? at(info.valkeyVersion!, 8, 0) : at(info.redisVersion, 8, 2)),
  };
}

async function detect(redis: Redis): Promise<Capabilities> {
  const info = parseInfo([await redis.info('server'), await redis.info('cluster')].join('\r\n'));
  return capabilitiesOf({
    redisVersion: info.text.redis_version ?? '',
    valkeyVersion: info.text.valkey_version,
    clusterEnabled: info.fields.cluster_enabled === 1,
  });
}

/** Runs `fn`; an "unknown command" answer turns the capability off for good instead of failing every run. */
async function orUnsupported<T>(fn: () => Promise<T>, off: () => void, fallback: T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isUnsupported(err)) throw err;
    off();
    return fallback;
  }
}

export function hotKeysSampler(opts: KeyspaceOptions & { timeoutMs: number }): Sampler {
  const hot = opts.hotkeys;
  const capabilities = new Map<string, Capabilities>();
  return {
    name: 'hotkeys',
    everyMs: hot.everyMs,
    timeoutMs: Math.max(hot.windowMs, hot.monitor.durationMs) + 2000 + 4 * opts.timeoutMs,
    async sample(target: Target, ctx: SamplerContext, signal: AbortSignal): Promise<Sample[]> {
      if (!opts.enabled) return [];
      const role = /role:(\w+)/.exec(await target.redis.info('replication'))?.[1];
      if (role !== 'master') return []; // replicas' traffic is mostly their master's writes
      const caps = capabilities.get(target.ref.id) ?? (await detect(target.redis));
      capabilities.set(target.ref.id, caps);

      const started = Date.now();
      let method: HotKeysV1['method'];
      let keys: HotKey[] = [];
      let monitor: MonitorResult | null = null;
      const c = caps;
      if (caps.hotkeys) {
        method = 'hotkeys';
        keys = await orUnsupported(
          () => hotkeysWindow(target.redis, { windowMs: hot.windowMs, topN: hot.topN }, signal),
          () => (c.hotkeys = false),
          [],
        );
      } else if (hot.monitor.enabled) {
        method = 'monitor';
        const o = target.redis.options;
        monitor = await monitorWindow(
          {
            host: target.ref.host,
            port: target.ref.port,
            ...(o.username ? { username: o.username } : {}),
            ...(o.password ? { password: o.password } : {}),
            ...(o.tls ? { tls: true } : {}),
          },
          { durationMs: hot.monitor.durationMs, maxBytes: hot.monitor.maxBytes, topN: hot.topN },
        );
        keys = monitor.keys.map((k) => ({
          key: k.key.slice(0, 1024),
          pattern: k.pattern,
          metric: 'commands',
          score: k.commands,
        }));
      } else if (caps.slotStats) {
        method = 'slot-stats';
      } else {
        return [];
      }
      const slots: HotSlot[] = caps.slotStats
        ? await orUnsupported(
            () => slotStats(target.redis, hot.topN),
            () => (c.slotStats = false),
            [],
          )
        : [];
      const value: HotKeysV1 = {
        v: 1,
        kind: 'hotkeys',
        ts: Date.now(),
        instance: target.ref,
        observedOn: target.ref.id,
        collector: ctx.collector,
        method,
        windowMs: monitor ? monitor.windowMs : Date.now() - started,
        keys,
        slots,
        ...(monitor
          ? { commandsSeen: monitor.commandsSeen, bytesSeen: monitor.bytesSeen, truncated: monitor.truncated }
          : {}),
      };
      return [{ topic: TOPICS.hotkeys, value }];
    },
    forget(instanceId) {
      capabilities.delete(instanceId);
    },
  };
}
