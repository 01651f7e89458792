import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { SlowlogSampleV1 } from '../../../contracts/index.ts';
import { slowlogSampler } from './sampler.ts';

const ref = { id: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, cluster: 'orders' };
const nowS = () => Math.floor(Date.now() / 1000);

/** A node whose slowlog holds these entries (newest first, as Redis sends them). */
function nodeWith(entries: unknown[][]) {
  const redis = {
    info: async () => 'run_id:abc\r\n',
    call: async () => entries,
  } as unknown as Redis;
  return { ref, redis };
}

describe('slowlog sampler', () => {
  it('a read answered after the runtime timed out leaves its entries to the next read', async () => {
    const sampler = slowlogSampler({
      everyMs: 1000,
      timeoutMs: 2000,
      maxEntries: 128,
      maxArgs: 16,
      maxArgBytes: 128,
      redact: 'key',
    });
    const target = nodeWith([[7, nowS(), 8_000_000, ['DEBUG', 'SLEEP', '8'], '10.0.0.9:5000', '']]);
    const ctx = { collector: 'c' };
    const timedOut = new AbortController();
    timedOut.abort();
    await expect(sampler.sample(target, ctx, timedOut.signal)).rejects.toThrow(/after the sampler timed out/);
    const [next] = await sampler.sample(target, ctx, new AbortController().signal);
    expect((next!.value as SlowlogSampleV1).entries.map((e) => [e.command, e.durationUs])).toEqual([
      ['debug', 8_000_000],
    ]);
  });
});
