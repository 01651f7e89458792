import Type, { type Static } from 'typebox';
import { InstanceRef } from './instance.ts';
import { BUCKET_COUNT } from './latency-buckets.ts';

// One `INFO everything` reply, parsed. Field names are Redis's own (`used_memory`,
// `connected_clients`, …) without the section, because INFO names are unique across
// sections and ops already know them. Fields a server version lacks are absent, never 0.

const Count = Type.Number({ minimum: 0 });

export const CommandStat = Type.Object(
  {
    /** Lower-case command name; subcommands as `config|get`, as Redis 7 reports them. */
    command: Type.String({ minLength: 1, maxLength: 100 }),
    calls: Count,
    usec: Count,
    rejectedCalls: Type.Optional(Count),
    failedCalls: Type.Optional(Count),
    /** From the latencystats section (Redis ≥ 7): latency percentiles in microseconds. */
    p50Us: Type.Optional(Count),
    p99Us: Type.Optional(Count),
    p999Us: Type.Optional(Count),
    /** Change since the previous sample of this instance (absent on the first sample). */
    callsDelta: Type.Optional(Count),
    usecDelta: Type.Optional(Count),
    /**
     * Calls since the previous sample by execution time, from LATENCY HISTOGRAM (Redis ≥ 7):
     * element k counts the calls of bucket k of contracts/latency-buckets.ts (0–1 µs, 1–2, 2–4,
     * 4–8, 8–16, 16–33, 33–66 µs, …, ≥ 0.54 s), trailing empty buckets left out. Only on
     * commands with calls in the interval, and only when `latencyHistogram` is `ok`.
     */
    latencyBuckets: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }), { maxItems: BUCKET_COUNT })),
  },
  { additionalProperties: false },
);
export type CommandStat = Static<typeof CommandStat>;

export const ErrorStat = Type.Object(
  {
    /** Error prefix, e.g. `MOVED`, `ASK`, `ERR`, `WRONGTYPE`. */
    error: Type.String({ minLength: 1, maxLength: 100 }),
    count: Count,
    /** Change since the previous sample of this instance (absent on the first sample). */
    countDelta: Type.Optional(Count),
  },
  { additionalProperties: false },
);
export type ErrorStat = Static<typeof ErrorStat>;

export const KeyspaceDb = Type.Object(
  {
    db: Type.Integer({ minimum: 0, maximum: 100000 }),
    keys: Count,
    expires: Count,
    avgTtlMs: Count,
  },
  { additionalProperties: false },
);
export type KeyspaceDb = Static<typeof KeyspaceDb>;

export const ReplicaLink = Type.Object(
  {
    host: Type.String({ maxLength: 255 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    state: Type.String({ maxLength: 50 }),
    offset: Count,
    lagSeconds: Count,
  },
  { additionalProperties: false },
);
export type ReplicaLink = Static<typeof ReplicaLink>;

export const InfoSampleV1 = Type.Object(
  {
    v: Type.Literal(1),
    kind: Type.Literal('info'),
    /** Sample time, unix milliseconds. */
    ts: Type.Integer({ minimum: 946684800000, maximum: 4102444800000 }),
    instance: InstanceRef,
    /** Host name of the collector that took the sample. */
    collector: Type.String({ maxLength: 255 }),
    /** How long the INFO call took, microseconds (includes the network round trip). */
    durationUs: Count,
    role: Type.Union([Type.Literal('master'), Type.Literal('replica'), Type.Literal('unknown')]),
    /** Every numeric INFO field by its Redis name. */
    fields: Type.Record(Type.String({ maxLength: 200 }), Type.Number(), { maxProperties: 5000 }),
    /** Every non-numeric INFO field by its Redis name. */
    text: Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 4096 }), { maxProperties: 2000 }),
    commands: Type.Array(CommandStat, { maxItems: 2000 }),
    errors: Type.Array(ErrorStat, { maxItems: 1000 }),
    keyspace: Type.Array(KeyspaceDb, { maxItems: 1000 }),
    replicas: Type.Array(ReplicaLink, { maxItems: 1000 }),
    /** Milliseconds since the previous sample of this instance; absent on the first. */
    intervalMs: Type.Optional(Count),
    /** True when counters went backwards since the previous sample (restart or CONFIG RESETSTAT). */
    counterReset: Type.Optional(Type.Boolean()),
    /**
     * Whether the commands carry per-call histograms (`latencyBuckets`): `ok`; or why not:
     * `unsupported` (no LATENCY HISTOGRAM, e.g. Redis 6.2 — the API then falls back to
     * percentiles of per-sample mean latency, labelled as such), `disabled` (latency-tracking
     * no), `denied` (the ACL user lacks +latency|histogram), `failed` (this read failed).
     * Absent from collectors older than this field.
     */
    latencyHistogram: Type.Optional(
      Type.Union([
        Type.Literal('ok'),
        Type.Literal('unsupported'),
        Type.Literal('disabled'),
        Type.Literal('denied'),
        Type.Literal('failed'),
      ]),
    ),
  },
  { additionalProperties: false },
);
export type InfoSampleV1 = Static<typeof InfoSampleV1>;
