// Per-call execution-time histograms from `LATENCY HISTOGRAM` (Redis ≥ 7.0, Valkey), read on
// every INFO interval and turned into per-interval counts per bucket, like the commandstats
// deltas in deltas.ts. Pure: the sampler does the I/O.
//
// The reply, per command: `name → { calls: N, histogram_usec: { upperUs → cumulative } }`
// (RESP2: flat arrays), listing only buckets where the cumulative count grows. Counts are
// cumulative since the server started or CONFIG RESETSTAT, so the change since the previous
// sample is what travels. Resets are handled as in deltas.ts: after a restart (new run_id),
// a reset INFO saw, or any bucket going backwards, the current counts are the interval's
// (everything since the reset); a command not in the previous histogram counts from zero.
import { BUCKET_COUNT, bucketOf, type CommandStat } from '../../../contracts/index.ts';

/** Calls per bucket (not cumulative), indexed by bucket number; by command. */
export type CommandHistograms = Map<string, number[]>;

export class LatencyHistogramReplyError extends Error {
  override name = 'LatencyHistogramReplyError';
}

function fail(what: string): never {
  throw new LatencyHistogramReplyError(`unexpected LATENCY HISTOGRAM reply: ${what}`);
}

const asNumber = (v: unknown, what: string): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) fail(`${what} is ${JSON.stringify(v)}`);
  return n;
};

/** Parses the RESP2 reply (as ioredis returns it) into per-bucket counts per command. */
export function parseLatencyHistogram(reply: unknown): CommandHistograms {
  if (!Array.isArray(reply) || reply.length % 2 !== 0) fail('not a flat map');
  const out: CommandHistograms = new Map();
  for (let i = 0; i < reply.length; i += 2) {
    const name = reply[i];
    const body = reply[i + 1];
    if (typeof name !== 'string' || name === '' || name.length > 100) fail(`command name ${JSON.stringify(name)}`);
    if (!Array.isArray(body)) fail(`${name}: not a map`);
    let pairs: unknown[] | undefined;
    for (let j = 0; j + 1 < body.length; j += 2) if (body[j] === 'histogram_usec') pairs = body[j + 1] as unknown[];
    if (!Array.isArray(pairs) || pairs.length % 2 !== 0) fail(`${name}: no histogram_usec map`);
    const counts = new Array<number>(BUCKET_COUNT).fill(0);
    let previous = 0;
    for (let j = 0; j < pairs.length; j += 2) {
      const upperUs = asNumber(pairs[j], `${name} bucket`);
      const cumulative = asNumber(pairs[j + 1], `${name} count`);
      // Two printed ends in one of our buckets (a server built with another HDR precision) add up.
      counts[bucketOf(upperUs)]! += Math.max(0, cumulative - previous);
      previous = Math.max(previous, cumulative);
    }
    out.set(name.toLowerCase(), counts);
  }
  return out;
}

/** What the previous sample of an instance read, for the next deltas. */
export interface HistogramSnapshot {
  runId: string | undefined;
  commands: CommandHistograms;
}

/** Trailing empty buckets dropped: most commands end within the first few. */
function trimmed(counts: number[]): number[] {
  let end = counts.length;
  while (end > 0 && counts[end - 1] === 0) end--;
  return counts.slice(0, end);
}

export interface HistogramDeltas {
  /** The histograms were reset since the previous snapshot (restart, CONFIG RESETSTAT). */
  reset: boolean;
  /** Calls per bucket in the interval, for commands with calls in it. */
  byCommand: Map<string, number[]>;
}

/**
 * Calls per bucket since `prev`, for commands with calls in the interval only; undefined
 * when there is no previous snapshot (the first sample of an instance carries no deltas).
 * `infoReset`: the INFO read with these histograms saw counters go back (CONFIG RESETSTAT).
 */
export function histogramDeltas(
  prev: HistogramSnapshot | undefined,
  current: CommandHistograms,
  runId: string | undefined,
  infoReset: boolean,
): HistogramDeltas | undefined {
  if (!prev) return undefined;
  let reset = infoReset || (prev.runId !== undefined && runId !== undefined && prev.runId !== runId);
  if (!reset)
    // One bucket going back anywhere means the histograms were reset since the previous sample.
    outer: for (const [command, counts] of current) {
      const before = prev.commands.get(command);
      if (before)
        for (let k = 0; k < counts.length; k++)
          if (counts[k]! < before[k]!) {
            reset = true;
            break outer;
          }
    }
  const byCommand = new Map<string, number[]>();
  for (const [command, counts] of current) {
    const before = reset ? undefined : prev.commands.get(command);
    const delta = before ? counts.map((n, k) => n - before[k]!) : counts.slice();
    const d = trimmed(delta);
    if (d.length > 0) byCommand.set(command, d);
  }
  return { reset, byCommand };
}

/**
 * Puts the interval's buckets on the commands of the INFO read with them (`latencyBuckets`)
 * and returns the snapshot for the next sample. A command in the histograms but not yet
 * in INFO was called between the two replies (INFO's own first call after a reset, say):
 * its calls travel with the next sample, so the snapshot keeps what has been sent for it —
 * its previous counts, or none after a reset (then it counts from zero next time).
 */
export function attachHistograms(
  prev: HistogramSnapshot | undefined,
  current: CommandHistograms,
  runId: string | undefined,
  infoReset: boolean,
  commands: CommandStat[],
): HistogramSnapshot {
  const next = new Map(current);
  const d = histogramDeltas(prev, current, runId, infoReset);
  if (d) {
    const stats = new Map(commands.map((c) => [c.command, c]));
    for (const [command, buckets] of d.byCommand) {
      const stat = stats.get(command);
      if (stat) stat.latencyBuckets = buckets;
      else if (!d.reset && prev?.commands.has(command)) next.set(command, prev.commands.get(command)!);
      else next.delete(command);
    }
  }
  return { runId, commands: next };
}
