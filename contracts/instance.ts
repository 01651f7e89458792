import Type, { type Static } from 'typebox';

/** Which Redis instance a sample is about. `id` is `host:port` as the cluster announces it. */
export const InstanceRef = Type.Object(
  {
    /** `host:port` as the cluster announces the node (or as configured, for standalone instances). */
    id: Type.String({ minLength: 3, maxLength: 300 }),
    /** Host name or IP address the collector connects to. */
    host: Type.String({ minLength: 1, maxLength: 255 }),
    /** TCP port of the Redis server. */
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    /** Cluster name from config, else the seed's cluster id; `standalone` for non-cluster instances. */
    cluster: Type.String({ minLength: 1, maxLength: 200 }),
    /** CLUSTER MYID, when the instance is a cluster node. */
    nodeId: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type InstanceRef = Static<typeof InstanceRef>;
