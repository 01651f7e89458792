import Type from 'typebox';
import { Percentiles } from './common.ts';

export const Tier = Type.Union([Type.Literal('raw'), Type.Literal('minute'), Type.Literal('hour')], {
  description: 'the table read: raw samples, minute or hour rollup',
});

export const LatencyPoint = Type.Object({
  t: Type.Integer({ description: 'start of the step, unix seconds' }),
  callsPerSec: Type.Number(),
  usecPerCall: Type.Union([Type.Number(), Type.Null()]),
  ...Percentiles.properties,
});

export const LatencySeries = Type.Object({
  cluster: Type.String(),
  instance: Type.Union([Type.String(), Type.Null()]),
  commands: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'null: all commands together' }),
  tier: Tier,
  from: Type.Integer({ description: 'covered range, whole buckets, unix seconds (inclusive)' }),
  to: Type.Integer({ description: 'exclusive' }),
  step: Type.Integer(),
  points: Type.Array(LatencyPoint),
});

export const CommandLatency = Type.Object({
  command: Type.String(),
  calls: Type.Integer(),
  callsPerSec: Type.Number(),
  usecPerCall: Type.Number(),
  totalUsec: Type.Integer(),
  ...Percentiles.properties,
});

export const CommandLatencyList = Type.Object({
  cluster: Type.String(),
  instance: Type.Union([Type.String(), Type.Null()]),
  from: Type.Integer(),
  to: Type.Integer(),
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
