// INFO sampler: `INFO everything` every second by default, parsed into typed fields.
// Emits one InfoSampleV1 (contracts/info-sample.ts documents every field) per instance.
import { TOPICS, type InfoSampleV1 } from '../../../contracts/index.ts';
import { applyDeltas, snapshot, type CounterSnapshot } from './deltas.ts';
import { parseInfo } from './parse-info.ts';
import type { Sample, Sampler, SamplerContext, Target } from '../../sampler.ts';

export function infoSampler(opts: { everyMs: number; timeoutMs: number }): Sampler {
  // Previous counters per instance, for per-interval deltas.
  const previous = new Map<string, CounterSnapshot>();
  return {
    name: 'info',
    everyMs: opts.everyMs,
    timeoutMs: opts.timeoutMs,
    async sample(target: Target, ctx: SamplerContext): Promise<Sample[]> {
      const started = process.hrtime.bigint();
      // `everything` includes commandstats, latencystats and errorstats (plain INFO does not).
      const raw = await target.redis.info('everything');
      const durationUs = Number((process.hrtime.bigint() - started) / 1000n);
      const parsed = parseInfo(raw);
      const ts = Date.now();
      const runId = parsed.text.run_id;
      const deltas = applyDeltas(previous.get(target.ref.id), ts, runId, parsed.commands, parsed.errors);
      previous.set(target.ref.id, snapshot(ts, runId, parsed.commands, parsed.errors));
      const value: InfoSampleV1 = {
        v: 1,
        kind: 'info',
        ts,
        instance: target.ref,
        collector: ctx.collector,
        durationUs,
        role: parsed.role,
        fields: parsed.fields,
        text: parsed.text,
        commands: parsed.commands,
        errors: parsed.errors,
        keyspace: parsed.keyspace,
        replicas: parsed.replicas,
        ...deltas,
      };
      return [{ topic: TOPICS.info, value }];
    },
    forget(instanceId) {
      previous.delete(instanceId);
    },
  };
}
