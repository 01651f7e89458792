import Type from 'typebox';

export const Tier = Type.Union([Type.Literal('raw'), Type.Literal('minute'), Type.Literal('hour')], {
  description: 'the table read: per-sample (1 s) buckets, minute or hour rollup',
});

export const Basis = Type.Union([Type.Literal('calls'), Type.Literal('sample-means'), Type.Literal('none')], {
  description:
    "what the percentiles are of. `calls`: single calls' execution time inside Redis, from LATENCY HISTOGRAM (Redis ≥ 7). " +
    '`sample-means`: the fallback for servers without it (Redis < 7): per-sample, per-instance MEAN latency (commandstats ' +
    'usec/calls), which hides slow calls among fast ones. `none`: no calls in the range.',
});

const Micros = Type.Union([Type.Number(), Type.Null()]);

export const BucketBounds = Type.Object(
  {
    lowerUs: Type.Number({ description: 'exclusive' }),
    upperUs: Type.Number({ description: 'inclusive' }),
  },
  { description: 'the bucket the percentile fell in: its resolution' },
);

const NullableBounds = Type.Union([BucketBounds, Type.Null()]);

export const PERCENTILES_DESCRIPTION =
  'Percentiles (µs) computed from bucket counts summed over instances and time (never averaged), interpolated ' +
  "linearly inside the bucket holding the rank, as Prometheus's histogram_quantile() does for classic buckets. " +
  'Buckets of single calls are powers of two (0–1, 1–2, 2–4, 4–8, 8–16, 16–33, 33–66 µs, …, ≥ 0.54 s), so a ' +
  'percentile is exact to within its bucket, whose bounds are returned beside it.';

export const Percentiles = {
  p50: Micros,
  p90: Micros,
  p99: Micros,
  p999: Micros,
  bounds: Type.Object({ p50: NullableBounds, p90: NullableBounds, p99: NullableBounds, p999: NullableBounds }),
};

export const LatencyPoint = Type.Object({
  t: Type.Integer({ description: 'start of the step, unix seconds' }),
  calls: Type.Integer(),
  callsPerSec: Type.Number({ description: 'calls / the seconds of the step that samples cover' }),
  usecPerCall: Type.Union([Type.Number(), Type.Null()], { description: 'mean execution time, µs (commandstats)' }),
  ...Percentiles,
});

export const LatencySeries = Type.Object({
  cluster: Type.String(),
  instance: Type.Union([Type.String(), Type.Null()]),
  commands: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'null: all commands together' }),
  tier: Tier,
  from: Type.Integer({ description: 'covered range, whole buckets, unix seconds (inclusive)' }),
  to: Type.Integer({ description: 'exclusive' }),
  step: Type.Integer(),
  basis: Basis,
  histogramCoverage: Type.Union([Type.Number(), Type.Null()], {
    description: 'share of the calls (commandstats) that have per-call histograms; < 1 when some instances lack them',
  }),
  points: Type.Array(LatencyPoint),
});

export const CommandLatency = Type.Object({
  command: Type.String(),
  calls: Type.Integer(),
  callsPerSec: Type.Number({ description: 'calls / the seconds the samples cover within the range' }),
  usecPerCall: Type.Number({ description: 'mean execution time, µs (commandstats)' }),
  totalUsec: Type.Integer(),
  basis: Basis,
  histogramCoverage: Type.Union([Type.Number(), Type.Null()]),
  ...Percentiles,
});

export const CommandLatencyList = Type.Object({
  cluster: Type.String(),
  instance: Type.Union([Type.String(), Type.Null()]),
  from: Type.Integer(),
  to: Type.Integer(),
  coveredSeconds: Type.Number({ description: 'seconds of the range that samples cover: the divisor of callsPerSec' }),
  tiers: Type.Array(Tier),
  items: Type.Array(CommandLatency),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CommandComparison = Type.Object({
  command: Type.String(),
  current: Nullable(CommandLatency),
  baseline: Nullable(CommandLatency),
  usecPerCallRatio: Nullable(Type.Number({ description: 'current / baseline; > 1 is slower' })),
  p99Ratio: Nullable(Type.Number()),
  callsPerSecRatio: Nullable(Type.Number()),
});

export const LatencyComparison = Type.Object({
  cluster: Type.String(),
  instance: Type.Union([Type.String(), Type.Null()]),
  current: Type.Object({ from: Type.Integer(), to: Type.Integer() }),
  baseline: Type.Object({ from: Type.Integer(), to: Type.Integer() }),
  items: Type.Array(CommandComparison),
});

export const HeatmapBucket = Type.Object({
  bucket: Type.Integer({ description: 'bucket number (contracts/latency-buckets.ts)' }),
  lowerUs: Type.Number(),
  upperUs: Type.Number(),
});

export const LatencyHeatmap = Type.Object({
  cluster: Type.String(),
  instance: Type.Union([Type.String(), Type.Null()]),
  commands: Type.Union([Type.Array(Type.String()), Type.Null()]),
  tier: Tier,
  from: Type.Integer(),
  to: Type.Integer(),
  step: Type.Integer(),
  basis: Basis,
  buckets: Type.Array(HeatmapBucket, { description: 'every bucket from the fastest to the slowest that holds calls' }),
  points: Type.Array(
    Type.Object({
      t: Type.Integer(),
      counts: Type.Array(Type.Integer(), { description: 'calls per bucket, aligned with `buckets`' }),
    }),
  ),
});

export const TailInstance = Type.Object({
  instance: Type.String(),
  calls: Type.Integer(),
  tailCalls: Type.Integer({ description: "calls in the cluster's p99 bucket or slower" }),
  tailShare: Type.Number({ description: "this instance's share of the cluster's tail calls (0–1)" }),
  tailFraction: Type.Number({ description: 'share of its own calls that are tail calls (0–1)' }),
  usecPerCall: Type.Union([Type.Number(), Type.Null()]),
  p99: Micros,
});

export const LatencyTail = Type.Object({
  cluster: Type.String(),
  commands: Type.Union([Type.Array(Type.String()), Type.Null()]),
  from: Type.Integer(),
  to: Type.Integer(),
  tiers: Type.Array(Tier),
  basis: Basis,
  calls: Type.Integer({ description: 'calls of the cluster with per-call histograms' }),
  p99: Micros,
  tailBucket: NullableBounds,
  tailCalls: Type.Integer(),
  items: Type.Array(TailInstance),
});

export const InstanceSides = Type.Object({
  instance: Type.String(),
  execution: Type.Object(
    {
      calls: Type.Integer(),
      usecPerCall: Type.Union([Type.Number(), Type.Null()]),
      basis: Basis,
      ...Percentiles,
    },
    { description: 'inside Redis: per-call execution time (LATENCY HISTOGRAM, commandstats)' },
  ),
  roundTrip: Type.Object(
    {
      pings: Type.Integer(),
      failed: Type.Integer(),
      meanUs: Type.Union([Type.Number(), Type.Null()]),
      ...Percentiles,
    },
    {
      description:
        "the collector's PING probe: network + Redis's event loop + queueing behind other clients' commands (buckets: 2 per power of two)",
    },
  ),
});

export const LatencyInstances = Type.Object({
  cluster: Type.String(),
  commands: Type.Union([Type.Array(Type.String()), Type.Null()]),
  from: Type.Integer(),
  to: Type.Integer(),
  tiers: Type.Array(Tier),
  items: Type.Array(InstanceSides),
});
