import { describe, expect, it } from 'vitest';
import { BUCKET_UPPER_US, bucketOf } from '../../../contracts/index.ts';
import type { CommandStat } from '../../../contracts/index.ts';
import {
  attachHistograms,
  histogramDeltas,
  LatencyHistogramReplyError,
  parseLatencyHistogram,
} from './latency-histogram.ts';

/** A reply as ioredis returns it: `name, [calls, N, histogram_usec, [upperUs, cumulative, …]]`. */
const reply = (...commands: Array<[string, Array<[number, number]>]>): unknown[] =>
  commands.flatMap(([name, pairs]) => [name, ['calls', pairs.at(-1)?.[1] ?? 0, 'histogram_usec', pairs.flat()]]);

describe('bucket table', () => {
  it('matches the bucket ends redis-server 7.0 prints (1024·2^k ns plus the HDR sub-bucket, in whole µs)', () => {
    // Printed by a real redis-server 7.0 for PING, CLUSTER INFO, INFO, PSYNC, DEBUG SLEEP 0.005, a Lua loop.
    for (const [printed, bucket] of [
      [1, 0],
      [2, 1],
      [8, 3],
      [16, 4],
      [33, 5],
      [66, 6],
      [132, 7],
      [4227, 12],
      [8454, 13],
      [33816, 15],
    ] as const)
      expect(BUCKET_UPPER_US[bucket]).toBe(printed);
    for (let k = 0; k < 20; k++) expect(BUCKET_UPPER_US[k]).toBe(Math.floor((2 ** (10 + k) + 2 ** (3 + k) - 1) / 1000));
  });

  it('puts a duration in the first bucket whose end is ≥ it, and the clamped top bucket last', () => {
    expect([0, 1, 1.5, 2, 3, 5079, 8454, 8455, 1082130, 5e6].map(bucketOf)).toEqual([
      0, 0, 1, 1, 2, 13, 13, 14, 20, 20,
    ]);
    expect(bucketOf(Number.NaN)).toBe(0);
  });
});

describe('LATENCY HISTOGRAM reply', () => {
  it('turns cumulative counts per printed bucket end into calls per bucket', () => {
    const h = parseLatencyHistogram(
      reply(
        [
          'get',
          [
            [1, 90],
            [2, 99],
            [8454, 100],
          ],
        ],
        [
          'cluster|info',
          [
            [8, 1],
            [16, 2],
            [33, 6],
          ],
        ],
      ),
    );
    expect(h.get('get')!.slice(0, 14)).toEqual([90, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(h.get('cluster|info')!.slice(0, 6)).toEqual([0, 0, 0, 1, 1, 4]);
  });

  it('reads an empty reply (no command called yet, or latency-tracking never on) as no histograms', () => {
    expect(parseLatencyHistogram([]).size).toBe(0);
  });

  it('rejects replies of another shape with a message naming the problem', () => {
    expect(() => parseLatencyHistogram('OK')).toThrow(LatencyHistogramReplyError);
    expect(() => parseLatencyHistogram(['get', ['calls', 3]])).toThrow(/get: no histogram_usec/);
    expect(() => parseLatencyHistogram(['get', ['calls', 3, 'histogram_usec', [1, 'x']]])).toThrow(/count/);
  });
});

const snap = (runId: string, commands: Record<string, number[]>) => ({
  runId,
  commands: new Map(Object.entries(commands)),
});
const cur = (commands: Record<string, number[]>) => new Map(Object.entries(commands));

describe('histogram deltas', () => {
  it('carries nothing on the first sample of an instance', () => {
    expect(histogramDeltas(undefined, cur({ get: [5] }), 'r1', false)).toBeUndefined();
  });

  it('sends the calls of the interval per bucket, only for commands with calls, trailing empty buckets dropped', () => {
    const d = histogramDeltas(
      snap('r1', { get: [90, 9, 0, 1], set: [4, 0] }),
      cur({ get: [95, 12, 0, 1], set: [4, 0] }),
      'r1',
      false,
    );
    expect(d!.reset).toBe(false);
    expect([...d!.byCommand]).toEqual([['get', [5, 3]]]);
  });

  it('counts a command first seen since the previous sample from zero', () => {
    const d = histogramDeltas(snap('r1', { get: [1] }), cur({ get: [1], eval: [0, 0, 0, 0, 0, 0, 2] }), 'r1', false);
    expect([...d!.byCommand]).toEqual([['eval', [0, 0, 0, 0, 0, 0, 2]]]);
  });

  it('after a restart (new run_id) counts from zero, never negative or doubled', () => {
    const d = histogramDeltas(snap('r1', { get: [1000, 50] }), cur({ get: [1200, 10] }), 'r2', false);
    expect(d!.reset).toBe(true);
    expect(d!.byCommand.get('get')).toEqual([1200, 10]);
  });

  it('after CONFIG RESETSTAT (a bucket going back) counts every command from zero', () => {
    const d = histogramDeltas(
      snap('r1', { get: [1000, 50], set: [10] }),
      cur({ get: [2000, 10], set: [30] }),
      'r1',
      false,
    );
    expect(Object.fromEntries(d!.byCommand)).toEqual({ get: [2000, 10], set: [30] });
  });

  it('after a reset INFO saw, even when every bucket has grown past its old count', () => {
    const d = histogramDeltas(snap('r1', { get: [10] }), cur({ get: [25] }), 'r1', true);
    expect(d!.byCommand.get('get')).toEqual([25]);
  });
});

describe('attaching histograms to the INFO read with them', () => {
  const stat = (command: string): CommandStat => ({ command, calls: 0, usec: 0 });

  it('puts the buckets on the commands that had calls', () => {
    const commands = [stat('get'), stat('set')];
    attachHistograms(snap('r1', { get: [1], set: [1] }), cur({ get: [3], set: [1] }), 'r1', false, commands);
    expect(commands.map((c) => c.latencyBuckets)).toEqual([[2], undefined]);
  });

  it('a command called between the two replies travels with the next sample, once', () => {
    // INFO ran first: get's new calls are in the histogram but get is not in this INFO yet.
    const commands = [stat('set')];
    const next = attachHistograms(
      snap('r1', { get: [5], set: [1] }),
      cur({ get: [7], set: [1] }),
      'r1',
      false,
      commands,
    );
    expect(next.commands.get('get')).toEqual([5]);
    const later = [stat('get'), stat('set')];
    attachHistograms(next, cur({ get: [7], set: [1] }), 'r1', false, later);
    expect(later[0]!.latencyBuckets).toEqual([2]);
  });

  it("after CONFIG RESETSTAT, INFO's own first call (in the histogram, not yet in INFO) does not fake a second reset", () => {
    // Before: info 300 calls, debug 5000. Reset; 542 debug calls; then INFO, then LATENCY
    // HISTOGRAM — which already holds INFO's one call since the reset.
    const before = snap('r1', { info: [0, 0, 0, 0, 0, 300], debug: [0, 0, 0, 0, 0, 0, 5000] });
    const first = [stat('debug')];
    const next = attachHistograms(
      before,
      cur({ info: [0, 0, 0, 0, 0, 1], debug: [0, 0, 0, 0, 0, 0, 542] }),
      'r1',
      true,
      first,
    );
    expect(first[0]!.latencyBuckets).toEqual([0, 0, 0, 0, 0, 0, 542]);
    const second = [stat('debug'), stat('info')];
    attachHistograms(next, cur({ info: [0, 0, 0, 0, 0, 2], debug: [0, 0, 0, 0, 0, 0, 2790] }), 'r1', false, second);
    // 2,248 more debug calls (not 2,790 again), and both of INFO's calls since the reset.
    expect(second.map((c) => c.latencyBuckets)).toEqual([
      [0, 0, 0, 0, 0, 0, 2248],
      [0, 0, 0, 0, 0, 2],
    ]);
  });
});
