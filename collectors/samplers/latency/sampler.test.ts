import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { LatencySampleV1 } from '../../../contracts/index.ts';
import { latencySampler } from './sampler.ts';

const ref = { id: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, cluster: 'orders' };

/** A node with one latency spike in its monitor; `onPing` runs at each PING of the probe. */
function nodeWithSpike(atS: number, onPing: () => void) {
  const probe = { status: 'ready', on: () => probe, disconnect: () => {}, ping: async () => onPing() };
  const redis = {
    duplicate: () => probe,
    call: async (_cmd: string, sub: string) => (sub === 'LATEST' ? [['command', atS, 900, 900]] : [[atS, 900]]),
  } as unknown as Redis;
  return { ref, redis };
}

describe('latency sampler', () => {
  it('a round the runtime timed out leaves its latency spikes to the next sample', async () => {
    const sampler = latencySampler({ everyMs: 1000, timeoutMs: 2000, pings: 3, pingGapMs: 0, events: true });
    const timedOut = new AbortController();
    const target = nodeWithSpike(Math.floor(Date.now() / 1000) + 1, () => timedOut.abort()); // mid-round
    const ctx = { collector: 'c' };
    await expect(sampler.sample(target, ctx, timedOut.signal)).rejects.toThrow(/after the sampler timed out/);
    const [next] = await sampler.sample(target, ctx, new AbortController().signal);
    expect((next!.value as LatencySampleV1).events.map((e) => [e.event, e.latencyMs])).toEqual([['command', 900]]);
  });
});
