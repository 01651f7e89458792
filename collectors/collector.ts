// The collector runtime: discovers instances, gives each its own connection and one
// schedule per sampler, and hands samples to the Kafka sink. A slow or dead instance
// only ever delays its own schedule: every run has a timeout, and a run still going
// when the next is due is skipped (counted as an overrun) rather than stacked up.
import type { Config } from '../common/config.ts';
import { errorMessage } from '../common/errors.ts';
import { withTlsHint } from '../common/tls.ts';
import type { Logger } from '../common/log.ts';
import { discoverCluster, standaloneInstance, type DiscoveredInstance } from './discovery.ts';
import { discoverLocalInstances, localAddresses } from './local-discovery.ts';
import type { KafkaSink } from './kafka-sink.ts';
import { connectRedis } from './redis-connection.ts';
import type { Sampler, Target } from './sampler.ts';
import { TOPICS, type InstanceStatusV1 } from '../contracts/index.ts';

/** The sampler whose outcome says whether an instance is reachable: INFO runs every second. */
const REACHABILITY_SAMPLER = 'info';
/** While an instance is down, its status is re-sent this often, so "down" stays visible. */
const DOWN_HEARTBEAT_MS = 30_000;
/**
 * Runs of a sampler start in this many phases of its interval (instances take turns), not
 * at a random moment each: the samples of one phase reach the Kafka sink within its linger
 * time and leave in one compressed batch. Spread at random, 60 instances made ~25 small
 * sends a second (~11 in phases), and each send costs kafkajs far more CPU than a sample.
 */
const PHASES = 4;

export interface SamplerHealth {
  instance: string;
  sampler: string;
  runs: number;
  failures: number;
  overruns: number;
  lastSuccessAt: number | null;
  lastError: string | null;
}

interface Watched {
  target: Target;
  timers: NodeJS.Timeout[];
  health: Map<string, SamplerHealth>;
  /** null until the first INFO outcome. */
  reachable: { up: boolean; since: number; sentAt: number } | null;
  /** Which of the PHASES this instance's samplers start in (each sampler one phase further). */
  phase: number;
  /** Why the connection last failed (refused, TLS, auth); commands then only say "stream isn't writeable". */
  connectionError: string | null;
}

export class Collector {
  private readonly watched = new Map<string, Watched>();
  private discoveryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private nextPhase = 0;

  constructor(
    private readonly config: Config['collector'],
    private readonly samplers: readonly Sampler[],
    private readonly sink: KafkaSink,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.discover();
    this.discoveryTimer = setInterval(() => void this.discover(), this.config.discoveryEveryMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.discoveryTimer) clearInterval(this.discoveryTimer);
    for (const id of [...this.watched.keys()]) this.unwatch(id);
  }

  instances(): string[] {
    return [...this.watched.keys()].sort();
  }

  health(): SamplerHealth[] {
    return [...this.watched.values()].flatMap((w) => [...w.health.values()]);
  }

  /** Re-reads cluster membership: new nodes are watched, removed nodes are let go. */
  async discover(): Promise<void> {
    const found = new Map<string, DiscoveredInstance>();
    let complete = true;
    for (const cluster of this.config.clusters) {
      try {
        for (const d of await discoverCluster(cluster, this.config.timeoutMs)) found.set(d.ref.id, d);
      } catch (err) {
        complete = false;
        this.log.warn(
          { cluster: cluster.name, err: errorMessage(err) },
          'discovery failed; keeping the instances already watched',
        );
      }
    }
    for (const s of this.config.instances) {
      const d = standaloneInstance(s);
      found.set(d.ref.id, d);
    }
    const local = this.config.local;
    if (local.onlyLocal || local.discover) {
      const here = localAddresses();
      // One collector per host: of the clusters' nodes, watch only those on this host.
      if (local.onlyLocal) for (const [id, d] of found) if (!here.has(d.ref.host)) found.delete(id);
      if (local.discover) {
        const ports = new Set([...found.values()].filter((d) => here.has(d.ref.host)).map((d) => d.ref.port));
        for (const address of discoverLocalInstances()) {
          const d = standaloneInstance({ address, cluster: local.cluster });
          // Already known through a cluster seed (under its announced address): keep that one.
          if (!found.has(d.ref.id) && !ports.has(d.ref.port)) found.set(d.ref.id, d);
        }
      }
    }
    if (this.stopped) return;
    for (const [id, d] of found) if (!this.watched.has(id)) this.watch(d);
    // Only let instances go when every cluster answered; a failed discovery proves nothing.
    if (complete) for (const id of [...this.watched.keys()]) if (!found.has(id)) this.unwatch(id);
  }

  private watch(d: DiscoveredInstance): void {
    const redis = connectRedis(d.endpoint, this.config.timeoutMs);
    const w: Watched = {
      target: { ref: d.ref, redis },
      timers: [],
      health: new Map(),
      reachable: null,
      phase: this.nextPhase++ % PHASES,
      connectionError: null,
    };
    // Surfaced per run, in health and logs, not as an unhandled event.
    redis.on('error', (err: unknown) => {
      w.connectionError = withTlsHint(errorMessage(err), err, Boolean(d.endpoint.tls));
    });
    redis.on('ready', () => (w.connectionError = null));
    this.watched.set(d.ref.id, w);
    this.log.info({ instance: d.ref.id, cluster: d.ref.cluster }, 'watching instance');
    // Schedule once the first connection attempt settles, so the first sample is not a
    // spurious failure; an instance that is down is retried by the reconnect strategy.
    void redis
      .connect()
      .catch(() => {})
      .finally(() => {
        if (this.watched.get(d.ref.id) === w)
          for (const [i, sampler] of this.samplers.entries()) this.schedule(w, sampler, (w.phase + i) % PHASES);
      });
  }

  private unwatch(id: string): void {
    const w = this.watched.get(id);
    if (!w) return;
    w.timers.forEach(clearInterval);
    w.target.redis.disconnect();
    for (const s of this.samplers) s.forget?.(id);
    this.watched.delete(id);
    this.log.info({ instance: id }, 'no longer watching instance');
  }

  /** Reports reachability changes (and a heartbeat while down) as instance-status samples. */
  private reachability(w: Watched, up: boolean, error?: string): void {
    const now = Date.now();
    const prev = w.reachable;
    const changed = prev === null || prev.up !== up;
    if (!changed && (up || now - prev.sentAt < DOWN_HEARTBEAT_MS)) return;
    // The first outcome is only worth a message when it is bad news.
    if (prev === null && up) {
      w.reachable = { up, since: now, sentAt: 0 };
      return;
    }
    const since = changed ? now : prev!.since;
    w.reachable = { up, since, sentAt: now };
    if (changed)
      this.log[up ? 'info' : 'warn'](
        { instance: w.target.ref.id, err: error },
        up ? 'instance reachable again' : 'instance unreachable',
      );
    const value: InstanceStatusV1 = {
      v: 1,
      kind: 'instance-status',
      ts: now,
      instance: w.target.ref,
      collector: this.config.name,
      reachable: up,
      since,
      ...(error ? { error: error.slice(0, 1000) } : {}),
    };
    this.sink.push([{ topic: TOPICS.status, value }]);
  }

  private schedule(w: Watched, sampler: Sampler, phase: number): void {
    const h: SamplerHealth = {
      instance: w.target.ref.id,
      sampler: sampler.name,
      runs: 0,
      failures: 0,
      overruns: 0,
      lastSuccessAt: null,
      lastError: null,
    };
    w.health.set(sampler.name, h);
    let inFlight = false;
    const run = async () => {
      if (inFlight) {
        h.overruns++;
        return;
      }
      inFlight = true;
      h.runs++;
      try {
        const samples = await withTimeout(sampler.timeoutMs, (signal) =>
          sampler.sample(w.target, { collector: this.config.name }, signal),
        );
        this.sink.push(samples);
        h.lastSuccessAt = Date.now();
        if (sampler.name === REACHABILITY_SAMPLER) this.reachability(w, true);
        if (h.lastError) this.log.info({ instance: h.instance, sampler: sampler.name }, 'sampler recovered');
        h.lastError = null;
      } catch (err) {
        h.failures++;
        // A command refused because the connection is down says only that; the connection's own error says why.
        const message =
          w.connectionError && w.target.redis.status !== 'ready'
            ? `cannot connect: ${w.connectionError}`
            : errorMessage(err);
        if (h.lastError === null)
          this.log.warn({ instance: h.instance, sampler: sampler.name, err: message }, 'sampler failed');
        h.lastError = message;
        if (sampler.name === REACHABILITY_SAMPLER) this.reachability(w, false, h.lastError);
      } finally {
        inFlight = false;
      }
    };
    // Start at this phase of the wall clock (see PHASES), so runs of the same phase line up
    // whenever their instances were watched. Timers of one phase, firing together, are
    // re-armed together by Node, so they stay together. Each sampler of an instance sits in
    // another phase, so its INFO reply does not hold up its own PING probe or topology call.
    const span = Math.min(sampler.everyMs, 1000);
    const at = Math.floor((phase * span) / PHASES);
    const offset = (at - (Date.now() % span) + span) % span;
    const first = setTimeout(() => {
      void run();
      w.timers.push(setInterval(() => void run(), sampler.everyMs));
    }, offset);
    w.timers.push(first);
  }
}

class SamplerTimeoutError extends Error {
  override name = 'SamplerTimeoutError';
}

async function withTimeout<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new SamplerTimeoutError(`timed out after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
