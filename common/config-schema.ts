import { hostname } from 'node:os';
import Type, { type Static } from 'typebox';
import { AlertsConfig } from './config-alerts.ts';
import { HealthEndpoint } from './config-health.ts';
import { DetectorsConfig } from './config-detectors.ts';
import { ClickHouseUsers, KafkaSasl, TlsFiles, TlsSetting, TrustProxy } from './config-security.ts';

// The whole configuration, validated before anything connects anywhere.
// Documented in redscope.example.yaml (every key) and docs/configuration.md (environment variables).
//
// Defaults are stated here and only here, as `default:` on each setting; defaultConfig()
// (common/config.ts) is derived from them with TypeBox's Value.Default. A section object
// has `default: {}` so that its members' defaults apply; a nullable or union setting states
// its whole default value on the union. config-defaults.test.ts fails on a setting without
// a default and on a default stated twice.

const Address = Type.String({ pattern: '^[^\\s:]+:\\d{1,5}$', description: 'host:port' });
const Millis = (min: number, def: number) => Type.Integer({ minimum: min, maximum: 86_400_000, default: def });

// Per-second raw data for a week; alert history and hourly rollups much longer.
const RETENTION_DAYS_BY_TABLE: Record<string, number> = {
  alerts: 400,
  alert_deliveries: 90,
  config_findings: 90,
  config_audits: 90,
  topology_changes: 90,
  key_patterns: 90,
  big_keys: 90,
  // Per-call latency: per-sample buckets for a day (the API reads them for ranges of up
  // to an hour in the last day), hour rollups for long ranges (api/queries/latency-tier.ts).
  command_histograms_1s: 1,
  command_histograms_1h: 400,
  // Late INSERTs the API's caches check (0033_info_arrivals.sql): minutes are read.
  info_arrivals: 1,
  ping_probes_1h: 400,
};

export const RedisAuth = Type.Object({
  username: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
  /** true (system CAs) or { caFile, certFile, keyFile, serverName } — see common/config-security.ts. */
  tls: Type.Optional(TlsSetting),
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

// Options of the stage-2 samplers, one sub-object each under `collector`
// (collectors/samplers/<name>.ts documents what each sampler emits).
export const TopologySamplerConfig = Type.Object(
  {
    everyMs: Millis(100, 1000),
    /** The full node list is stored when it changes, and at least this often. */
    keyframeEveryMs: Millis(1000, 60_000),
    /** Also read CLUSTER SHARDS (node health, replication offsets) where the server has it (Redis ≥ 7). */
    shards: Type.Boolean({ default: true }),
  },
  { additionalProperties: false, default: {} },
);

export const SlowlogSamplerConfig = Type.Object(
  {
    everyMs: Millis(100, 5000),
    /** Entries read per sample (SLOWLOG GET n); keep ≥ slowlog-max-len so none are missed. */
    maxEntries: Type.Integer({ minimum: 1, maximum: 1024, default: 128 }),
    /** Arguments kept after the command name. */
    maxArgs: Type.Integer({ minimum: 0, maximum: 256, default: 16 }),
    /** Bytes kept of each argument. */
    maxArgBytes: Type.Integer({ minimum: 1, maximum: 4000, default: 128 }),
    /** `key`: keep the first argument (the key), `?` for the rest; `all`: `?` for every argument; `none`: keep values. */
    redact: Type.Union([Type.Literal('key'), Type.Literal('all'), Type.Literal('none')], { default: 'key' }),
  },
  { additionalProperties: false, default: {} },
);

export const LatencySamplerConfig = Type.Object(
  {
    everyMs: Millis(100, 1000),
    /** PINGs per probe, on a dedicated connection. */
    pings: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
    /** Pause between two PINGs of a probe. */
    pingGapMs: Type.Integer({ minimum: 0, maximum: 1000, default: 10 }),
    /** Read the latency monitor's spikes (LATENCY LATEST/HISTORY). */
    events: Type.Boolean({ default: true }),
  },
  { additionalProperties: false, default: {} },
);

export const ClientsSamplerConfig = Type.Object(
  {
    everyMs: Millis(1000, 15_000),
    /** Connections idle longer than this are counted as idle-over-threshold. */
    idleThresholdS: Type.Integer({ minimum: 1, maximum: 31_536_000, default: 300 }),
    /** Largest groups kept per breakdown (by client name, by client host). */
    topN: Type.Integer({ minimum: 1, maximum: 1000, default: 20 }),
  },
  { additionalProperties: false, default: {} },
);

export const ConfigAuditSamplerConfig = Type.Object(
  {
    everyMs: Millis(1000, 300_000),
    /** cluster-node-timeout below this is flagged: stalls shorter than it cause needless failovers. */
    clusterNodeTimeoutMinMs: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 5000 }),
    /** cluster-node-timeout above this is flagged: a dead master stays unreplaced that long. */
    clusterNodeTimeoutMaxMs: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 60_000 }),
    /** repl-backlog-size below this on a master is flagged. */
    replBacklogMinBytes: Type.Integer({ minimum: 0, maximum: 1_099_511_627_776, default: 67_108_864 }),
  },
  { additionalProperties: false, default: {} },
);

// Keyspace scan and hot keys (collectors/samplers/keyspace/README.md).
export const KeyspaceSamplerConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    /** One scan per shard this often … */
    everyMs: Millis(60_000, 6 * 3_600_000),
    /** … each started after a random delay of up to this, so shards are not scanned all at once. */
    jitterMs: Millis(0, 30 * 60_000),
    /** A scan still running after this is aborted (and nothing is sent). */
    scanTimeoutMs: Millis(1000, 2 * 3_600_000),
    /** Rate limit, keys per second; 0 = unlimited. */
    keysPerSecond: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 100_000 }),
    /** Keys per batch; with `lua` inspected in one server call, in SCANs of at most 500 keys (~2.2–3 µs per key; bigger batches block the server longer per call). */
    batchKeys: Type.Integer({ minimum: 1, maximum: 100_000, default: 50 }),
    /** `lua`: one EVALSHA inspects a whole batch server-side; `pipeline`: SCAN + pipelined commands (no scripting needed). */
    mode: Type.Enum(['lua', 'pipeline'], { default: 'lua' }),
    /** Scan a master's data on one of its online replicas. */
    preferReplica: Type.Boolean({ default: true }),
    latencyGuard: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        /** Slow down (and after two in a row, pause) when a PING probe exceeds multiple × its pre-scan baseline … */
        multiple: Type.Number({ minimum: 1, maximum: 1000, default: 3 }),
        /** … or this, whichever is higher. */
        minThresholdMs: Type.Number({ minimum: 0, maximum: 10_000, default: 1 }),
        pauseMs: Millis(0, 1000),
        probeEveryMs: Millis(1, 100),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Keys kept in each top list (by bytes, by length, by OBJECT FREQ). */
    topN: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    /** Patterns per message; the smallest beyond this are merged into `(other)`. */
    maxPatterns: Type.Integer({ minimum: 10, maximum: 2000, default: 2000 }),
    progressEveryMs: Millis(100, 30_000),
    hotkeys: Type.Object(
      {
        /** How often a master is observed with HOTKEYS / CLUSTER SLOT-STATS / MONITOR (whichever applies). */
        everyMs: Millis(1000, 300_000),
        topN: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        /** Length of a HOTKEYS tracking window (Redis ≥ 8.6). */
        windowMs: Millis(1000, 10_000),
        monitor: Type.Object(
          {
            /** MONITOR costs the server on every command while it runs: explicit opt-in only. */
            enabled: Type.Boolean({ default: false }),
            durationMs: Millis(100, 1000),
            /** The window ends early after this many bytes of MONITOR output. */
            maxBytes: Type.Integer({ minimum: 1024, maximum: 256 * 1024 * 1024, default: 4 * 1024 * 1024 }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

// An API bearer token: `read` for developers (every GET), `admin` also for /v1/admin/*.
// The token itself is never logged or returned; `name` is what logs and rate limits show.
export const ApiToken = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_.@-]{1,100}$' }),
    /** 16–512 visible characters without commas (REDSCOPE_API_TOKENS is comma-separated). */
    token: Type.String({ pattern: '^[\\x21-\\x2b\\x2d-\\x7e]{16,512}$' }),
    scope: Type.Union([Type.Literal('read'), Type.Literal('admin')]),
  },
  { additionalProperties: false },
);
export type ApiToken = Static<typeof ApiToken>;

export const Config = Type.Object(
  {
    kafka: Type.Object(
      {
        brokers: Type.Array(Address, { minItems: 1, default: ['127.0.0.1:19092'] }),
        clientId: Type.String({ minLength: 1, default: 'redscope' }),
        /** Partitions for topics redscope creates; more partitions let more stream processors share the load. */
        topicPartitions: Type.Integer({ minimum: 1, maximum: 10_000, default: 6 }),
        /** TLS towards the brokers: true (system CAs) or { caFile, certFile, keyFile, serverName }. */
        tls: Type.Optional(TlsSetting),
        /** SASL credentials of this process (each role its own user; docs/security.md lists their ACLs). */
        sasl: Type.Optional(Type.Union([KafkaSasl, Type.Null()])),
        /** Replicas of each topic redscope creates; -1 takes the brokers' default.replication.factor. Production: 3. */
        replicationFactor: Type.Union([Type.Literal(-1), Type.Integer({ minimum: 1, maximum: 32 })], { default: -1 }),
        /** min.insync.replicas of topics redscope creates (null: the brokers' setting). Production: 2 with 3 replicas. */
        minInsyncReplicas: Type.Union([Type.Integer({ minimum: 1, maximum: 32 }), Type.Null()], { default: null }),
        /** retention.ms of topics redscope creates (null: the brokers' log.retention.*, 7 days by default). */
        retentionMs: Type.Union([Type.Integer({ minimum: 60_000 }), Type.Null()], { default: null }),
      },
      { additionalProperties: false, default: {} },
    ),
    clickhouse: Type.Object(
      {
        /** http(s)://host:port, without credentials (they go in username/password). */
        url: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:18123' }),
        database: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', default: 'redscope' }),
        /** The user of every role without its own entry in `users`. */
        username: Type.String({ default: 'default' }),
        password: Type.String({ default: '' }),
        /** One user per role: migrator (DDL), writer (inserts), reader (API). */
        users: Type.Optional(ClickHouseUsers),
        /** For an https:// url: a private CA, a client certificate. */
        tls: Type.Optional(TlsFiles),
        /**
         * The stream processor and alert manager apply migrations at start (as the migrator).
         * false: they only check the schema is current (run `redscope migrate` first), so
         * they need no DDL rights.
         */
        migrateOnStart: Type.Optional(Type.Boolean()),
        /**
         * Name of a cluster in the servers' `remote_servers` (null: one server). Migrations then
         * create Replicated tables with a Distributed table of the same name ON CLUSTER, and
         * inserts through it are synchronous. See docs/operating.md, "ClickHouse cluster".
         */
        cluster: Type.Union([Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.Null()], { default: null }),
        /** A request not answered in this long is abandoned; an insert abandoned so is fenced and checked, never blindly repeated. */
        requestTimeoutMs: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 60_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    collector: Type.Object(
      {
        /** Names this collector in samples; defaults to the host name. */
        name: Type.String({ minLength: 1, default: hostname() }),
        /** Default: the local stack's cluster (`npm run stack -- up`). */
        clusters: Type.Array(ClusterTarget, { default: [{ name: 'local', seeds: ['127.0.0.1:7000'] }] }),
        instances: Type.Array(StandaloneTarget, { default: [] }),
        infoEveryMs: Millis(100, 1000),
        discoveryEveryMs: Millis(1000, 30_000),
        /** Per-command timeout towards Redis. */
        timeoutMs: Millis(50, 2000),
        /** Samples kept in memory while Kafka is unreachable; the oldest are dropped (and counted) beyond this. */
        bufferMaxMessages: Type.Integer({ minimum: 100, maximum: 10_000_000, default: 200_000 }),
        /** Samples wait up to this long to leave together in one compressed Kafka batch (each send costs far more CPU than a sample). */
        sendLingerMs: Millis(0, 50),
        /**
         * Samples beyond `bufferMaxMessages` go to segment files in `dir` (null: no spill,
         * they are dropped) up to `maxBytes`, then the oldest segment is dropped. Sent first
         * when Kafka is back, also by the next run after a restart.
         */
        spill: Type.Object(
          {
            dir: Type.Union([Type.String({ minLength: 1 }), Type.Null()], { default: null }),
            maxBytes: Type.Integer({ minimum: 1024 * 1024, maximum: 1024 ** 4, default: 4 * 1024 ** 3 }),
          },
          { additionalProperties: false, default: {} },
        ),
        /** Host-local instances: found from /proc (`discover`), or cluster nodes limited to this host (`onlyLocal`). */
        local: Type.Object(
          {
            discover: Type.Boolean({ default: false }),
            onlyLocal: Type.Boolean({ default: false }),
            /** Cluster name for locally discovered instances not found through a seed. */
            cluster: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$', default: 'local' }),
          },
          { additionalProperties: false, default: {} },
        ),
        /** GET /health of the collector itself on this address; port 0 picks a free port, null turns it off. */
        health: HealthEndpoint(9121),
        topology: TopologySamplerConfig,
        slowlog: SlowlogSamplerConfig,
        latency: LatencySamplerConfig,
        clients: ClientsSamplerConfig,
        configAudit: ConfigAuditSamplerConfig,
        keyspace: KeyspaceSamplerConfig,
      },
      { additionalProperties: false, default: {} },
    ),
    stream: Type.Object(
      {
        groupId: Type.String({ minLength: 1, default: 'redscope-stream' }),
        /** Rows are inserted when this many messages are waiting, or after lingerMs. */
        flushMessages: Type.Integer({ minimum: 1, maximum: 200_000, default: 2000 }),
        lingerMs: Millis(0, 500),
        /** Kafka consumer-group session: a processor that has not sent a heartbeat for this long is replaced. */
        sessionTimeoutMs: Type.Integer({ minimum: 6000, maximum: 300_000, default: 30_000 }),
        /** GET /health of the processor (consumer lag per partition, last insert, last error); port 0 picks one, null turns it off. */
        health: HealthEndpoint(9122),
      },
      { additionalProperties: false, default: {} },
    ),
    api: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        /** Bearer tokens; none configured = auth off (the API warns loudly at start). See api/plugins/auth.ts. */
        tokens: Type.Array(ApiToken, { maxItems: 1000, default: [] }),
        /** Requests per minute per token (per client IP without a token); health endpoints are exempt. */
        rateLimitPerMinute: Type.Integer({ minimum: 1, maximum: 100_000_000, default: 1200 }),
        /**
         * Serve without tokens on a non-loopback address anyway. Off: the API refuses to
         * start there without tokens, so an open API is a choice, never an accident.
         */
        allowNoAuth: Type.Optional(Type.Boolean()),
        /**
         * Behind a reverse proxy / load balancer: trust its X-Forwarded-For for the client IP
         * (rate limits per IP): true (any), a hop count, or the proxies' addresses/CIDRs.
         */
        trustProxy: Type.Optional(TrustProxy),
      },
      { additionalProperties: false, default: {} },
    ),
    alerts: AlertsConfig,
    detectors: DetectorsConfig,
    /** Stored data is kept this many days (whole partitions are dropped), per table or by default (7). */
    retention: Type.Object(
      {
        defaultDays: Type.Integer({ minimum: 1, maximum: 36_500, default: 7 }),
        tables: Type.Record(
          Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
          Type.Integer({ minimum: 1, maximum: 36_500 }),
          { default: RETENTION_DAYS_BY_TABLE },
        ),
        everyMs: Type.Integer({ minimum: 60_000, maximum: 7 * 86_400_000, default: 3_600_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);
export type Config = Static<typeof Config>;
export type ClusterTarget = Static<typeof ClusterTarget>;
export type StandaloneTarget = Static<typeof StandaloneTarget>;
