import Type, { type Static } from 'typebox';
import { AlertsConfig } from './config-alerts.ts';
import { DetectorsConfig } from './config-detectors.ts';

// The whole configuration, validated before anything connects anywhere.
// Documented in README.md#configuration and redscope.example.yaml.

const Address = Type.String({ pattern: '^[^\\s:]+:\\d{1,5}$', description: 'host:port' });
const Millis = (min: number, def: number) => Type.Integer({ minimum: min, maximum: 86_400_000, default: def });

export const RedisAuth = Type.Object({
  username: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
  tls: Type.Optional(Type.Boolean()),
});

export const ClusterTarget = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' }),
    seeds: Type.Array(Address, { minItems: 1 }),
    ...RedisAuth.properties,
  },
  { additionalProperties: false },
);

export const StandaloneTarget = Type.Object(
  {
    address: Address,
    cluster: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' })),
    ...RedisAuth.properties,
  },
  { additionalProperties: false },
);

export const Config = Type.Object(
  {
    kafka: Type.Object(
      {
        brokers: Type.Array(Address, { minItems: 1 }),
        clientId: Type.String({ minLength: 1 }),
        /** Partitions for topics redscope creates; more partitions let more stream processors share the load. */
        topicPartitions: Type.Integer({ minimum: 1, maximum: 10_000 }),
      },
      { additionalProperties: false },
    ),
    clickhouse: Type.Object(
      {
        url: Type.String({ pattern: '^https?://' }),
        database: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
        username: Type.String(),
        password: Type.String(),
      },
      { additionalProperties: false },
    ),
    collector: Type.Object(
      {
        /** Names this collector in samples; defaults to the host name. */
        name: Type.String({ minLength: 1 }),
        clusters: Type.Array(ClusterTarget),
        instances: Type.Array(StandaloneTarget),
        infoEveryMs: Millis(100, 1000),
        discoveryEveryMs: Millis(1000, 30_000),
        /** Per-command timeout towards Redis. */
        timeoutMs: Millis(50, 2000),
        /** Samples kept in memory while Kafka is unreachable; the oldest are dropped (and counted) beyond this. */
        bufferMaxMessages: Type.Integer({ minimum: 100, maximum: 10_000_000 }),
      },
      { additionalProperties: false },
    ),
    stream: Type.Object(
      {
        groupId: Type.String({ minLength: 1 }),
        /** Rows are inserted when this many messages are waiting, or after lingerMs. */
        flushMessages: Type.Integer({ minimum: 1, maximum: 200_000 }),
        lingerMs: Millis(0, 500),
      },
      { additionalProperties: false },
    ),
    api: Type.Object(
      {
        host: Type.String(),
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
      },
      { additionalProperties: false },
    ),
    alerts: AlertsConfig,
    detectors: DetectorsConfig,
  },
  { additionalProperties: false },
);
export type Config = Static<typeof Config>;
export type ClusterTarget = Static<typeof ClusterTarget>;
export type StandaloneTarget = Static<typeof StandaloneTarget>;
