// The collector's extension point. A sampler reads one thing from one Redis instance and
// returns messages for Kafka; the runtime owns scheduling, timeouts and delivery.
// A new sampler is one folder in samplers/ (sampler.ts, its parsers and tests) plus one line in samplers/index.ts.
import type { Redis } from 'ioredis';
import type { InstanceRef, Sample } from '../contracts/index.ts';

export type { Sample };

/** One Redis instance the collector watches, with its own connection. */
export interface Target {
  ref: InstanceRef;
  redis: Redis;
}

export interface SamplerContext {
  /** Host name of this collector, stamped into samples. */
  collector: string;
}

export interface Sampler {
  name: string;
  everyMs: number;
  /** The runtime aborts `signal` after this long; a sampler must not outlive it. */
  timeoutMs: number;
  sample(target: Target, ctx: SamplerContext, signal: AbortSignal): Promise<Sample[]>;
  /** Called when a target disappears, so per-instance state (previous counters) is freed. */
  forget?(instanceId: string): void;
}
