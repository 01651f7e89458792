// Clients sampler: CLIENT LIST every 15 s by default, reduced in the collector to counts,
// idle and buffer figures and the largest groups by client name and by client host
// (parse-client-list.ts). Emits one ClientsSampleV1
// (contracts/clients.ts) per instance; the raw list, one line per connection, never leaves.
import { TOPICS, type ClientsSampleV1 } from '../../../contracts/index.ts';
import { errorMessage } from '../../../common/errors.ts';
import { parseClientList, summarizeClients } from './parse-client-list.ts';
import type { Sample, Sampler, SamplerContext, Target } from '../../sampler.ts';

export interface ClientsSamplerOptions {
  everyMs: number;
  timeoutMs: number;
  /** A connection idle longer than this counts in idleOverThreshold, seconds. */
  idleThresholdS: number;
  /** Groups kept per breakdown (by name, by host). */
  topN: number;
}

export function clientsSampler(opts: ClientsSamplerOptions): Sampler {
  return {
    name: 'clients',
    everyMs: opts.everyMs,
    timeoutMs: opts.timeoutMs,
    async sample(target: Target, ctx: SamplerContext): Promise<Sample[]> {
      let reply: string;
      try {
        reply = String(await target.redis.call('CLIENT', 'LIST'));
      } catch (err) {
        throw new Error(`CLIENT LIST on ${target.ref.id}: ${errorMessage(err)}`);
      }
      const value: ClientsSampleV1 = {
        v: 1,
        kind: 'clients',
        ts: Date.now(),
        instance: target.ref,
        collector: ctx.collector,
        ...summarizeClients(parseClientList(reply), opts),
      };
      return [{ topic: TOPICS.clients, value }];
    },
  };
}
