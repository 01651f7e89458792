import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';

// The `detectors` section: thresholds, with defaults meant for production fleets.
// Every detector can be switched off with `enabled: false`. Defaults are stated once, as
// `default:` (see common/config-schema.ts).

const Ms = (def: number) => Type.Integer({ minimum: 0, maximum: 7 * 86_400_000, default: def });
const Enabled = Type.Boolean({ default: true });
/** A detector's settings: absent ones take their defaults. */
const Settings = { additionalProperties: false, default: {} } as const;

export const DetectorsConfig = Type.Object(
  {
    /**
     * Failovers: a command (or fork) is named as the cause only if it overlaps the stall and
     * lasted at least causeMinShare × cluster-node-timeout; a cause is looked for until
     * causeSearchMs after the promotion (the slowlog of a blocked node is read once it answers).
     */
    /** The watchdog event the processor publishes this often (the alert manager's heartbeat message follows it). */
    watchdog: Type.Object({ everyMs: Ms(60_000) }, Settings),
    /** No sample from a cluster, or from a collector, for afterMs: monitoring is blind there. */
    monitoringBlind: Type.Object({ enabled: Enabled, afterMs: Ms(60_000), forgetAfterMs: Ms(86_400_000) }, Settings),
    failover: Type.Object(
      {
        causeMinShare: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.5 }),
        causeSearchMs: Ms(180_000),
      },
      Settings,
    ),
    nonExpiringKeys: Type.Object(
      {
        enabled: Enabled,
        /** Fire when keys without TTL on one master grew by this many within windowMs… */
        growthKeys: Type.Integer({ minimum: 1, default: 10_000 }),
        windowMs: Ms(600_000),
        /** …and a key pattern found without TTL in a keyspace scan fires when it holds this many keys. */
        newPatternMinKeys: Type.Integer({ minimum: 1, default: 1000 }),
      },
      Settings,
    ),
    memory: Type.Object(
      {
        enabled: Enabled,
        usedRatio: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.9 }),
        forMs: Ms(30_000),
      },
      Settings,
    ),
    /** Time to maxmemory (or, with maxmemory 0, to the host's memory) from the growth trend. */
    memoryForecast: Type.Object(
      {
        enabled: Enabled,
        /** Fire when the limit is projected to be reached within this… */
        horizonMs: Ms(21_600_000),
        /** …from the trend over this much recent history… */
        windowMs: Type.Integer({ minimum: 60_000, maximum: 7 * 86_400_000, default: 21_600_000 }),
        /** …one point per bucket (at least 6 points per window are needed)… */
        bucketMs: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 300_000 }),
        /** …once at least this much history is there… */
        minHistoryMs: Ms(3_600_000),
        /** …and only for growth at least this fast (bytes per hour). */
        minGrowthBytesPerHour: Type.Integer({ minimum: 0, default: 1024 * 1024 }),
      },
      Settings,
    ),
    evictions: Type.Object(
      { enabled: Enabled, perSecond: Type.Number({ minimum: 0, default: 0 }), quietMs: Ms(300_000) },
      Settings,
    ),
    rejectedConnections: Type.Object({ enabled: Enabled, quietMs: Ms(300_000) }, Settings),
    replicationLink: Type.Object({ enabled: Enabled, forMs: Ms(10_000) }, Settings),
    /** MOVED/ASK redirects per second on one instance: clients hurting during resharding. */
    redirectStorm: Type.Object(
      { enabled: Enabled, perSecond: Type.Number({ minimum: 0, default: 100 }), forMs: Ms(10_000) },
      Settings,
    ),
    /** Many slow commands on one instance within a minute. */
    slowlogStorm: Type.Object(
      { enabled: Enabled, entriesPerMinute: Type.Integer({ minimum: 1, default: 50 }), quietMs: Ms(300_000) },
      Settings,
    ),
    /** A long-blocking command in the slowlog: the classic cause of needless failovers. */
    blockingCommands: Type.Object(
      {
        enabled: Enabled,
        commands: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
          maxItems: 100,
          default: [
            'keys',
            'flushall',
            'flushdb',
            'save',
            'debug',
            'del',
            'unlink',
            'hgetall',
            'smembers',
            'lrange',
            'zrange',
            'sort',
            'migrate',
          ],
        }),
        minDurationUs: Type.Integer({ minimum: 0, default: 100_000 }),
        quietMs: Ms(600_000),
      },
      Settings,
    ),
    /** A key in a keyspace scan at or above these sizes (newly) is a big key. */
    bigKeys: Type.Object(
      {
        enabled: Enabled,
        bytes: Type.Integer({ minimum: 1, default: 10 * 1024 * 1024 }),
        elements: Type.Integer({ minimum: 1, default: 100_000 }),
      },
      Settings,
    ),
    /** A hot key: LFU counter (0–255, logarithmic) or commands per second on one key at or above these. */
    hotKeys: Type.Object(
      {
        enabled: Enabled,
        lfuCounter: Type.Integer({ minimum: 1, maximum: 255, default: 250 }),
        commandsPerSecond: Type.Number({ minimum: 0, default: 5000 }),
      },
      Settings,
    ),
    /**
     * Config audit findings at or above minSeverity go into the per-cluster digest (rule
     * `config-audit`): firstDigestAfterMs after a cluster's first audit, then every
     * digestEveryMs; findings that newly appear in between, gathered for newFindingsAfterMs.
     */
    configFindings: Type.Object(
      {
        enabled: Enabled,
        minSeverity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')], {
          default: 'warning',
        }),
        firstDigestAfterMs: Ms(60_000),
        digestEveryMs: Ms(86_400_000),
        newFindingsAfterMs: Ms(360_000),
      },
      Settings,
    ),
  },
  Settings,
);
export type DetectorsConfig = Static<typeof DetectorsConfig>;

/** Every detector setting at its default (from the schema's `default:`). */
export function defaultDetectorsConfig(): DetectorsConfig {
  return Value.Default(DetectorsConfig, {}) as DetectorsConfig;
}
