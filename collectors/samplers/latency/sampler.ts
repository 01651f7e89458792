// Latency sampler, every second by default. Emits one LatencySampleV1 (contracts/latency.ts)
// per instance with:
// - a PING probe: `pings` round trips on a dedicated connection, `pingGapMs` apart, like
//   `redis-cli --latency-dist`. Dedicated, because on the shared connection a ping would
//   queue behind this collector's own INFO or CLIENT LIST replies and measure those.
// - latency monitor spikes (LATENCY LATEST/HISTORY) newer than the last ones sent.
// When no ping gets an answer the sample fails (the instance is down; the runtime counts it).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { TOPICS, type LatencyEvent, type LatencySampleV1 } from '../../../contracts/index.ts';
import { errorMessage } from '../../../common/errors.ts';
import { summarizeProbe } from './histogram.ts';
import {
  eventsToFetch,
  parseLatencyHistory,
  parseLatencyLatest,
  takeNewSpikes,
  type EventCursor,
} from './latency-monitor.ts';
import type { Sample, Sampler, SamplerContext, Target } from '../../sampler.ts';

export interface LatencySamplerOptions {
  everyMs: number;
  timeoutMs: number;
  /** PINGs per probe. */
  pings: number;
  /** Pause between two PINGs of a probe, ms (0 = back to back). */
  pingGapMs: number;
  /** Read the latency monitor (LATENCY LATEST/HISTORY). */
  events: boolean;
}

interface ProbeConnection {
  /** The runtime's connection it was duplicated from; a new one means the target was re-watched. */
  source: Redis;
  probe: Redis;
}

const MAX_EVENTS = 4096;

export function latencySampler(opts: LatencySamplerOptions): Sampler {
  const probes = new Map<string, ProbeConnection>();
  const cursors = new Map<string, EventCursor>();
  // Spikes from before this collector started were sent by an earlier run, or are history.
  const startedAtS = Math.floor(Date.now() / 1000);

  async function probeConnection(target: Target): Promise<Redis> {
    let conn = probes.get(target.ref.id);
    if (conn && conn.source !== target.redis) {
      conn.probe.disconnect();
      conn = undefined;
    }
    if (!conn) {
      // Same endpoint, credentials and timeouts as the runtime's connection.
      const probe = target.redis.duplicate({ connectionName: 'redscope-latency' });
      probe.on('error', () => {}); // failures surface as failed pings
      conn = { source: target.redis, probe };
      probes.set(target.ref.id, conn);
    }
    if (conn.probe.status === 'wait') await conn.probe.connect();
    return conn.probe;
  }

  async function ping(
    target: Target,
    signal: AbortSignal,
  ): Promise<{ roundTripsUs: number[]; failed: number; lastError: string }> {
    const redis = await probeConnection(target);
    const roundTripsUs: number[] = [];
    let failed = 0;
    let lastError = '';
    for (let i = 0; i < opts.pings && !signal.aborted; i++) {
      if (i > 0 && opts.pingGapMs > 0) await sleep(opts.pingGapMs);
      const started = process.hrtime.bigint();
      try {
        await redis.ping();
        roundTripsUs.push(Number(process.hrtime.bigint() - started) / 1000);
      } catch (err) {
        failed++;
        lastError = errorMessage(err);
      }
    }
    return { roundTripsUs, failed, lastError };
  }

  /** New spikes, and the cursor to keep once the sample carrying them is returned. */
  async function monitorEvents(target: Target): Promise<{ events: LatencyEvent[]; cursor: EventCursor }> {
    const cursor: EventCursor = new Map(cursors.get(target.ref.id));
    const latest = parseLatencyLatest(await target.redis.call('LATENCY', 'LATEST'));
    const events: LatencyEvent[] = [];
    for (const e of eventsToFetch(latest, cursor, startedAtS)) {
      const history = parseLatencyHistory(e.event, await target.redis.call('LATENCY', 'HISTORY', e.event));
      events.push(...takeNewSpikes(e.event, history, cursor, startedAtS));
    }
    return { events: events.sort((a, b) => a.atS - b.atS).slice(-MAX_EVENTS), cursor };
  }

  return {
    name: 'latency',
    everyMs: opts.everyMs,
    timeoutMs: opts.timeoutMs,
    async sample(target: Target, ctx: SamplerContext, signal: AbortSignal): Promise<Sample[]> {
      const [probe, monitor] = await Promise.all([
        ping(target, signal),
        opts.events
          ? monitorEvents(target).catch((err: unknown) => {
              throw new Error(`LATENCY LATEST/HISTORY on ${target.ref.id}: ${errorMessage(err)}`);
            })
          : Promise.resolve(undefined),
      ]);
      // The runtime gave up on this round (it timed out) and discards its sample: the cursor
      // stays put, so the next sample sends these spikes instead of skipping them as sent.
      if (signal.aborted) throw new Error(`latency sample of ${target.ref.id}: finished after the sampler timed out`);
      if (probe.roundTripsUs.length === 0)
        throw new Error(
          `PING probe of ${target.ref.id}: no answer to ${probe.failed} pings (${probe.lastError || 'aborted'})`,
        );
      const value: LatencySampleV1 = {
        v: 1,
        kind: 'latency',
        ts: Date.now(),
        instance: target.ref,
        collector: ctx.collector,
        probe: summarizeProbe(probe.roundTripsUs, probe.failed),
        events: monitor?.events ?? [],
      };
      if (monitor) cursors.set(target.ref.id, monitor.cursor);
      return [{ topic: TOPICS.latency, value }];
    },
    forget(instanceId) {
      probes.get(instanceId)?.probe.disconnect();
      probes.delete(instanceId);
      cursors.delete(instanceId);
    },
  };
}
