// SLOWLOG sampler: new entries of SLOWLOG GET every 5 s by default, each sent once
// (collectors/samplers/slowlog/slowlog-cursor.ts explains how across resets and restarts), with
// arguments truncated and redacted (collectors/samplers/slowlog/parse-slowlog.ts). Emits one
// SlowlogSampleV1 (contracts/slowlog.ts) per instance when there is something new, and
// nothing otherwise: an idle log costs no Kafka message.
import { TOPICS, type SlowlogSampleV1 } from '../../../contracts/index.ts';
import { errorMessage } from '../../../common/errors.ts';
import { parseSlowlogReply, shapeEntry, type ArgPolicy } from './parse-slowlog.ts';
import { selectNewEntries, type SlowlogCursor } from './slowlog-cursor.ts';
import type { Sample, Sampler, SamplerContext, Target } from '../../sampler.ts';

export interface SlowlogSamplerOptions extends ArgPolicy {
  everyMs: number;
  timeoutMs: number;
  /** Entries read per sample (SLOWLOG GET <n>); Redis keeps slowlog-max-len (default 128). */
  maxEntries: number;
}

export function slowlogSampler(opts: SlowlogSamplerOptions): Sampler {
  const cursors = new Map<string, SlowlogCursor>();
  // Entries logged before this collector started are not ours to send (see slowlog-cursor.ts).
  const startedAtS = Math.floor(Date.now() / 1000);
  return {
    name: 'slowlog',
    everyMs: opts.everyMs,
    timeoutMs: opts.timeoutMs,
    async sample(target: Target, ctx: SamplerContext, signal: AbortSignal): Promise<Sample[]> {
      let server: string, reply: unknown;
      try {
        [server, reply] = await Promise.all([
          target.redis.info('server'),
          target.redis.call('SLOWLOG', 'GET', opts.maxEntries),
        ]);
      } catch (err) {
        throw new Error(`SLOWLOG GET on ${target.ref.id}: ${errorMessage(err)}`);
      }
      // The runtime gave up on this read (a blocked node answering after the timeout) and
      // discards its sample: the cursor stays put, so the next read sends these entries —
      // the one that blocked the node among them — instead of skipping them as sent.
      if (signal.aborted) throw new Error(`SLOWLOG GET on ${target.ref.id}: answered after the sampler timed out`);
      const runId = /^run_id:(\S+)/m.exec(server)?.[1] ?? '';
      const sel = selectNewEntries(cursors.get(target.ref.id), runId, parseSlowlogReply(reply), startedAtS);
      cursors.set(target.ref.id, sel.cursor);
      if (sel.fresh.length === 0 && !sel.reset && sel.missed === 0) return [];
      const value: SlowlogSampleV1 = {
        v: 1,
        kind: 'slowlog',
        ts: Date.now(),
        instance: target.ref,
        collector: ctx.collector,
        runId,
        entries: sel.fresh.slice(0, 1024).map((e) => shapeEntry(e, opts)),
        reset: sel.reset,
        missed: sel.missed,
      };
      return [{ topic: TOPICS.slowlog, value }];
    },
    forget(instanceId) {
      cursors.delete(instanceId);
    },
  };
}
