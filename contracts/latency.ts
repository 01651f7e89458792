import Type, { type Static } from 'typebox';
import { InstanceRef } from './instance.ts';

// Latency of one instance, seen two ways:
// - an active probe: N PINGs in a row on a dedicated connection, timed by the collector
//   (like `redis-cli --latency-dist`), so it includes the network and Redis's event loop;
// - the instance's own latency monitor (LATENCY LATEST / HISTORY), when
//   `latency-monitor-threshold` > 0: events such as `command` or `fork` above the threshold.

const Count = Type.Integer({ minimum: 0 });
const Micros = Type.Number({ minimum: 0 });

/** The probe's overflow bucket bound (UInt32 max): anything above the last finite bound. */
export const PROBE_OVERFLOW_LE_US = 4_294_967_295;

/**
 * Upper bounds of the probe's histogram buckets, microseconds: two per power of two (1, 2,
 * 3, 4, 6, 8, 12, 16, 24, … up to 2^31 µs), so any round trip lands in a bucket at most 50 %
 * wider than itself; above the last, the overflow bucket.
 */
export const PROBE_BUCKET_UPPER_US: readonly number[] = (() => {
  const bounds = [1, 2];
  for (let p = 2; p <= 2 ** 31; p *= 2) bounds.push(p + p / 2, p * 2);
  return bounds.filter((b, i, all) => all.indexOf(b) === i && b <= 2 ** 31);
})();

/** The lower (exclusive) bound of the probe bucket whose upper bound is `leUs`. */
export function probeBucketLowerUs(leUs: number): number {
  if (leUs >= PROBE_OVERFLOW_LE_US) return PROBE_BUCKET_UPPER_US.at(-1)!;
  const i = PROBE_BUCKET_UPPER_US.indexOf(leUs);
  return i > 0 ? PROBE_BUCKET_UPPER_US[i - 1]! : 0;
}

/** One bucket of a probe histogram (bounds: PROBE_BUCKET_UPPER_US). */
export const LatencyBucket = Type.Object(
  {
    /** Upper bound of the bucket, microseconds, inclusive; 4294967295 for the overflow bucket. */
    leUs: Count,
    count: Count,
  },
  { additionalProperties: false },
);
export type LatencyBucket = Static<typeof LatencyBucket>;

export const PingProbe = Type.Object(
  {
    /** PINGs answered. */
    count: Count,
    /** PINGs that failed or timed out. */
    failed: Count,
    minUs: Micros,
    maxUs: Micros,
    meanUs: Micros,
    /** Nearest-rank percentiles of this probe's round trips, microseconds. */
    p50Us: Micros,
    p90Us: Micros,
    p99Us: Micros,
    p999Us: Micros,
    /** Non-empty buckets only, ascending. Sum histograms over time to get window percentiles. */
    buckets: Type.Array(LatencyBucket, { maxItems: 64 }),
  },
  { additionalProperties: false },
);
export type PingProbe = Static<typeof PingProbe>;

export const LatencyEvent = Type.Object(
  {
    /** Latency monitor event name (`command`, `fast-command`, `fork`, `expire-cycle`, …). */
    event: Type.String({ maxLength: 128 }),
    /** Unix seconds of the spike (LATENCY HISTORY has one-second resolution). */
    atS: Count,
    /** Duration of the spike, milliseconds. */
    latencyMs: Count,
  },
  { additionalProperties: false },
);
export type LatencyEvent = Static<typeof LatencyEvent>;

export const LatencySampleV1 = Type.Object(
  {
    v: Type.Literal(1),
    kind: Type.Literal('latency'),
    /** Sample time, unix milliseconds. */
    ts: Type.Integer({ minimum: 946684800000, maximum: 4102444800000 }),
    instance: InstanceRef,
    collector: Type.String({ maxLength: 255 }),
    probe: PingProbe,
    /** Latency monitor events newer than the previous sample's, oldest first. */
    events: Type.Array(LatencyEvent, { maxItems: 4096 }),
  },
  { additionalProperties: false },
);
export type LatencySampleV1 = Static<typeof LatencySampleV1>;
