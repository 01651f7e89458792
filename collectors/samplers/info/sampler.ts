// INFO sampler: `INFO everything` every second by default, parsed into typed fields, and
// `LATENCY HISTOGRAM` sent with it (pipelined on the same connection, so both describe the
// same moment and cost one round trip): per-call execution-time histograms per command,
// as counts per interval (latency-histogram.ts). Emits one InfoSampleV1
// (contracts/info-sample.ts documents every field) per instance.
import type { Redis } from 'ioredis';
import { TOPICS, type InfoSampleV1 } from '../../../contracts/index.ts';
import { errorMessage } from '../../../common/errors.ts';
import { applyDeltas, snapshot, type CounterSnapshot } from './deltas.ts';
import {
  attachHistograms,
  parseLatencyHistogram,
  type CommandHistograms,
  type HistogramSnapshot,
} from './latency-histogram.ts';
import { parseInfo } from './parse-info.ts';
import type { Sample, Sampler, SamplerContext, Target } from '../../sampler.ts';

type HistogramStatus = NonNullable<InfoSampleV1['latencyHistogram']>;

/** After NOPERM, ask again this much later (someone may fix the ACL). */
const DENIED_RETRY_MS = 5 * 60_000;

interface HistogramState {
  snapshot?: HistogramSnapshot;
  /** The server lacks LATENCY HISTOGRAM: not asked again until its run_id changes (an upgrade restarts it). */
  unsupportedRunId?: string;
  deniedUntil?: number;
}

type HistogramRead = { ok: true; commands: CommandHistograms } | { ok: false; status: HistogramStatus };

async function readHistograms(redis: Redis): Promise<HistogramRead> {
  try {
    return { ok: true, commands: parseLatencyHistogram(await redis.call('LATENCY', 'HISTOGRAM')) };
  } catch (err) {
    const message = errorMessage(err);
    if (/NOPERM/i.test(message)) return { ok: false, status: 'denied' };
    // Redis 6.2: "ERR Unknown subcommand or wrong number of arguments for 'HISTOGRAM'".
    if (/unknown subcommand|unknown command/i.test(message)) return { ok: false, status: 'unsupported' };
    return { ok: false, status: 'failed' };
  }
}

export function infoSampler(opts: { everyMs: number; timeoutMs: number }): Sampler {
  // Previous counters per instance, for per-interval deltas.
  const previous = new Map<string, CounterSnapshot>();
  const histograms = new Map<string, HistogramState>();
  return {
    name: 'info',
    everyMs: opts.everyMs,
    timeoutMs: opts.timeoutMs,
    async sample(target: Target, ctx: SamplerContext): Promise<Sample[]> {
      const id = target.ref.id;
      const h = histograms.get(id) ?? {};
      histograms.set(id, h);
      const prev = previous.get(id);
      const now = Date.now();
      const skip: HistogramStatus | undefined =
        h.unsupportedRunId !== undefined && h.unsupportedRunId === prev?.runId
          ? 'unsupported'
          : h.deniedUntil !== undefined && now < h.deniedUntil
            ? 'denied'
            : undefined;
      const started = process.hrtime.bigint();
      // `everything` includes commandstats, latencystats and errorstats (plain INFO does not).
      // Both commands are written before either reply is read: one round trip.
      const [raw, read] = await Promise.all([
        target.redis.info('everything'),
        skip ? Promise.resolve<HistogramRead>({ ok: false, status: skip }) : readHistograms(target.redis),
      ]);
      const durationUs = Number((process.hrtime.bigint() - started) / 1000n);
      const parsed = parseInfo(raw);
      const ts = Date.now();
      const runId = parsed.text.run_id;
      const deltas = applyDeltas(prev, ts, runId, parsed.commands, parsed.errors);
      previous.set(id, snapshot(ts, runId, parsed.commands, parsed.errors));

      let status: HistogramStatus;
      if (read.ok) {
        // latencystats lines exist exactly when latency-tracking is on; without it the
        // histograms stop growing and would read as "no calls".
        const tracking = parsed.commands.length === 0 || parsed.commands.some((c) => c.p50Us !== undefined);
        status = tracking ? 'ok' : 'disabled';
        // With latency-tracking off nothing is attached, but the snapshot still follows the server.
        h.snapshot =
          status === 'ok'
            ? attachHistograms(h.snapshot, read.commands, runId, deltas?.counterReset ?? false, parsed.commands)
            : { runId, commands: read.commands };
        h.unsupportedRunId = h.deniedUntil = undefined;
      } else {
        status = read.status;
        // Without this read the next one has nothing to subtract from: it starts afresh.
        h.snapshot = undefined;
        if (status === 'unsupported') h.unsupportedRunId = runId;
        if (status === 'denied' && skip === undefined) h.deniedUntil = now + DENIED_RETRY_MS;
      }

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
        latencyHistogram: status,
      };
      return [{ topic: TOPICS.info, value }];
    },
    forget(instanceId) {
      previous.delete(instanceId);
      histograms.delete(instanceId);
    },
  };
}
