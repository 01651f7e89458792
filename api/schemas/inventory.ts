import Type, { type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Health = Type.Union(
  [
    Type.Literal('ok'),
    Type.Literal('stale'),
    Type.Literal('down'),
    Type.Literal('failing'),
    Type.Literal('loading'),
    Type.Literal('unknown'),
  ],
  {
    description:
      'down: the collector cannot reach it; failing: the cluster flags it fail/pfail; stale: no INFO sample for 30 s or 5 intervals; unknown: in the topology but never sampled',
  },
);

export const Instance = Type.Object({
  id: Type.String({ description: 'host:port' }),
  host: Type.String(),
  role: Type.String({ description: 'master, replica or unknown (INFO, else the topology)' }),
  version: Type.String(),
  nodeId: Nullable(Type.String()),
  masterId: Nullable(Type.String()),
  slots: Type.Object({ count: Type.Integer(), ranges: Type.Array(Type.Tuple([Type.Integer(), Type.Integer()])) }),
  flags: Type.Array(Type.String()),
  health: Health,
  healthReasons: Type.Array(Type.String()),
  reachable: Nullable(Type.Boolean()),
  lastSeenMs: Nullable(Type.Integer({ description: 'newest INFO sample, unix ms' })),
  usedMemoryBytes: Nullable(Type.Number()),
  connectedClients: Nullable(Type.Number()),
  opsPerSec: Nullable(Type.Number()),
  uptimeS: Nullable(Type.Number()),
});
export type Instance = Static<typeof Instance>;

export const Cluster = Type.Object({
  name: Type.String(),
  instances: Type.Integer(),
  masters: Type.Integer(),
  replicas: Type.Integer(),
  versions: Type.Array(Type.String()),
  lastSeenMs: Type.Integer(),
  state: Nullable(Type.String({ description: 'CLUSTER INFO cluster_state (ok/fail) of the newest topology sample' })),
});
export type Cluster = Static<typeof Cluster>;
