import Type, { type Static } from 'typebox';

// The `detectors` section: thresholds, with defaults meant for production fleets.
// Every detector can be switched off with `enabled: false`.

const Ms = (def: number) => Type.Integer({ minimum: 0, maximum: 7 * 86_400_000, default: def });
const Enabled = Type.Boolean({ default: true });

export const DetectorsConfig = Type.Object(
  {
    /**
     * Failovers: a command (or fork) is named as the cause only if it overlaps the stall and
     * lasted at least causeMinShare × cluster-node-timeout; a cause is looked for until
     * causeSearchMs after the promotion (the slowlog of a blocked node is read once it answers).
     */
    /** The watchdog event the processor publishes this often (the alert manager's heartbeat message follows it). */
    watchdog: Type.Object({ everyMs: Ms(60_000) }, { additionalProperties: false }),
    /** No sample from a cluster, or from a collector, for afterMs: monitoring is blind there. */
    monitoringBlind: Type.Object(
      { enabled: Enabled, afterMs: Ms(60_000), forgetAfterMs: Ms(86_400_000) },
      { additionalProperties: false },
    ),
    failover: Type.Object(
      {
        causeMinShare: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
        causeSearchMs: Ms(180_000),
      },
      { additionalProperties: false },
    ),
    nonExpiringKeys: Type.Object(
      {
        enabled: Enabled,
        /** Fire when keys without TTL on one master grew by this many within windowMs… */
        growthKeys: Type.Integer({ minimum: 1 }),
        windowMs: Ms(600_000),
        /** …and a key pattern found without TTL in a keyspace scan fires when it holds this many keys. */
        newPatternMinKeys: Type.Integer({ minimum: 1 }),
      },
      { additionalProperties: false },
    ),
    memory: Type.Object(
      { enabled: Enabled, usedRatio: Type.Number({ exclusiveMinimum: 0, maximum: 1 }), forMs: Ms(30_000) },
      { additionalProperties: false },
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
        minGrowthBytesPerHour: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
    evictions: Type.Object(
      { enabled: Enabled, perSecond: Type.Number({ minimum: 0 }), quietMs: Ms(300_000) },
      { additionalProperties: false },
    ),
    rejectedConnections: Type.Object({ enabled: Enabled, quietMs: Ms(300_000) }, { additionalProperties: false }),
    replicationLink: Type.Object({ enabled: Enabled, forMs: Ms(10_000) }, { additionalProperties: false }),
    /** MOVED/ASK redirects per second on one instance: clients hurting during resharding. */
    redirectStorm: Type.Object(
      { enabled: Enabled, perSecond: Type.Number({ minimum: 0 }), forMs: Ms(10_000) },
      { additionalProperties: false },
    ),
    /** Many slow commands on one instance within a minute. */
    slowlogStorm: Type.Object(
      { enabled: Enabled, entriesPerMinute: Type.Integer({ minimum: 1 }), quietMs: Ms(300_000) },
      { additionalProperties: false },
    ),
    /** A long-blocking command in the slowlog: the classic cause of needless failovers. */
    blockingCommands: Type.Object(
      {
        enabled: Enabled,
        commands: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 }),
        minDurationUs: Type.Integer({ minimum: 0 }),
        quietMs: Ms(600_000),
      },
      { additionalProperties: false },
    ),
    /** A key in a keyspace scan at or above these sizes (newly) is a big key. */
    bigKeys: Type.Object(
      { enabled: Enabled, bytes: Type.Integer({ minimum: 1 }), elements: Type.Integer({ minimum: 1 }) },
      { additionalProperties: false },
    ),
    /** A hot key: LFU counter (0–255, logarithmic) or commands per second on one key at or above these. */
    hotKeys: Type.Object(
      {
        enabled: Enabled,
        lfuCounter: Type.Integer({ minimum: 1, maximum: 255 }),
        commandsPerSecond: Type.Number({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
    /**
     * Config audit findings at or above minSeverity go into the per-cluster digest (rule
     * `config-audit`): firstDigestAfterMs after a cluster's first audit, then every
     * digestEveryMs; findings that newly appear in between, gathered for newFindingsAfterMs.
     */
    configFindings: Type.Object(
      {
        enabled: Enabled,
        minSeverity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
        firstDigestAfterMs: Ms(60_000),
        digestEveryMs: Ms(86_400_000),
        newFindingsAfterMs: Ms(360_000),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type DetectorsConfig = Static<typeof DetectorsConfig>;

export function defaultDetectorsConfig(): DetectorsConfig {
  return {
    watchdog: { everyMs: 60_000 },
    monitoringBlind: { enabled: true, afterMs: 60_000, forgetAfterMs: 86_400_000 },
    failover: { causeMinShare: 0.5, causeSearchMs: 180_000 },
    nonExpiringKeys: { enabled: true, growthKeys: 10_000, windowMs: 600_000, newPatternMinKeys: 1000 },
    memory: { enabled: true, usedRatio: 0.9, forMs: 30_000 },
    memoryForecast: {
      enabled: true,
      horizonMs: 6 * 3_600_000,
      windowMs: 6 * 3_600_000,
      bucketMs: 300_000,
      minHistoryMs: 3_600_000,
      minGrowthBytesPerHour: 1024 * 1024,
    },
    evictions: { enabled: true, perSecond: 0, quietMs: 300_000 },
    rejectedConnections: { enabled: true, quietMs: 300_000 },
    replicationLink: { enabled: true, forMs: 10_000 },
    redirectStorm: { enabled: true, perSecond: 100, forMs: 10_000 },
    slowlogStorm: { enabled: true, entriesPerMinute: 50, quietMs: 300_000 },
    blockingCommands: {
      enabled: true,
      commands: [
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
      minDurationUs: 100_000,
      quietMs: 600_000,
    },
    configFindings: {
      enabled: true,
      minSeverity: 'warning',
      firstDigestAfterMs: 60_000,
      digestEveryMs: 86_400_000,
      newFindingsAfterMs: 360_000,
    },
    bigKeys: { enabled: true, bytes: 10 * 1024 * 1024, elements: 100_000 },
    hotKeys: { enabled: true, lfuCounter: 250, commandsPerSecond: 5000 },
  };
}
