import Type, { type Static } from 'typebox';
import { InstanceRef } from './instance.ts';

// Hot keys of one instance, by the best method the server offers (collectors/samplers/keyspace/README.md):
// - `object-freq`: OBJECT FREQ read during a keyspace scan when maxmemory-policy is *-lfu
//   (score = Redis's logarithmic LFU counter, 0–255);
// - `hotkeys`: the HOTKEYS command of Redis ≥ 8.6 (score = CPU µs or network bytes in the window);
// - `monitor`: a short, capped MONITOR window (score = commands seen naming the key);
// - `slot-stats`: CLUSTER SLOT-STATS (Valkey ≥ 8.0, Redis ≥ 8.2): hot slots, not keys.

const Count = Type.Integer({ minimum: 0 });

export const HotKeyMethod = Type.Union([
  Type.Literal('object-freq'),
  Type.Literal('hotkeys'),
  Type.Literal('monitor'),
  Type.Literal('slot-stats'),
]);
export type HotKeyMethod = Static<typeof HotKeyMethod>;

export const HotKey = Type.Object(
  {
    key: Type.String({ maxLength: 1024 }),
    /**
     * The key's pattern: from the scan's mining for `object-freq`; judged from the key alone
     * otherwise (collectors/samplers/keyspace/key-pattern.ts), which a few letter-only ids escape.
     */
    pattern: Type.String({ minLength: 1, maxLength: 300 }),
    /** What `score` counts: `lfu-counter`, `cpu-us`, `net-bytes` or `commands`. */
    metric: Type.Union([
      Type.Literal('lfu-counter'),
      Type.Literal('cpu-us'),
      Type.Literal('net-bytes'),
      Type.Literal('commands'),
    ]),
    score: Type.Number({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type HotKey = Static<typeof HotKey>;

export const HotSlot = Type.Object(
  {
    slot: Type.Integer({ minimum: 0, maximum: 16383 }),
    keyCount: Count,
    /** Present when the server tracks them (`cluster-slot-stats-enabled yes`). */
    cpuUs: Type.Optional(Count),
    networkBytesIn: Type.Optional(Count),
    networkBytesOut: Type.Optional(Count),
  },
  { additionalProperties: false },
);
export type HotSlot = Static<typeof HotSlot>;

export const HotKeysV1 = Type.Object(
  {
    v: Type.Literal(1),
    kind: Type.Literal('hotkeys'),
    /** End of the observation, unix ms. */
    ts: Type.Integer({ minimum: 946684800000, maximum: 4102444800000 }),
    instance: InstanceRef,
    /** Node the observation was made on (`host:port`); differs from `instance` when a replica was scanned. */
    observedOn: Type.String({ minLength: 3, maxLength: 300 }),
    collector: Type.String({ maxLength: 255 }),
    method: HotKeyMethod,
    /** How long the observation lasted, ms (for `object-freq`: the scan). */
    windowMs: Count,
    /** Highest score first, per metric; at most 100 per metric. */
    keys: Type.Array(HotKey, { maxItems: 300 }),
    slots: Type.Array(HotSlot, { maxItems: 100 }),
    /** MONITOR only: commands and bytes read, and whether a cap cut the window short. */
    commandsSeen: Type.Optional(Count),
    bytesSeen: Type.Optional(Count),
    truncated: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type HotKeysV1 = Static<typeof HotKeysV1>;
