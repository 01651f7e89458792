import Type, { type Static } from 'typebox';
import { InstanceRef } from './instance.ts';

// A summary of CLIENT LIST for one instance, so connection-pool problems show (too many
// connections from one service, idle connections never released, output buffers piling
// up) without shipping the raw list, which holds one line per connection.

const Count = Type.Integer({ minimum: 0 });

export const ClientGroup = Type.Object(
  {
    /** Client name (CLIENT SETNAME; '' for unnamed) or client host (address without port). */
    key: Type.String({ maxLength: 512 }),
    count: Count,
    /** Longest idle time in the group, seconds. */
    idleMaxS: Count,
    /** Output buffer memory of the group, bytes. */
    omemBytes: Count,
  },
  { additionalProperties: false },
);
export type ClientGroup = Static<typeof ClientGroup>;

export const ClientsSampleV1 = Type.Object(
  {
    v: Type.Literal(1),
    kind: Type.Literal('clients'),
    /** Sample time, unix milliseconds. */
    ts: Type.Integer({ minimum: 946684800000, maximum: 4102444800000 }),
    instance: InstanceRef,
    collector: Type.String({ maxLength: 255 }),
    /** Every connection CLIENT LIST shows, replication links and this collector's own included. */
    total: Count,
    /** Replicas connected to this node (flag S). */
    replicas: Count,
    /** This node's link to its master (flag M). */
    masters: Count,
    /** Connections subscribed to a channel, pattern or shard channel. */
    pubsub: Count,
    /** Connections blocked in BLPOP, XREAD BLOCK, WAIT, … (flag b). */
    blocked: Count,
    /** Connections inside MULTI. */
    inMulti: Count,
    idleMaxS: Count,
    /** The idle threshold used for idleOverThreshold, seconds (config, default 300). */
    idleThresholdS: Count,
    /** Connections idle longer than idleThresholdS: leaked or oversized pools. */
    idleOverThreshold: Count,
    /** Output buffer memory (omem) over all connections, bytes. */
    omemTotalBytes: Count,
    omemMaxBytes: Count,
    /** Name and address of the connection with the largest output buffer ('' when all are 0). */
    omemMaxName: Type.String({ maxLength: 512 }),
    omemMaxAddr: Type.String({ maxLength: 300 }),
    /** Query buffer memory (qbuf) over all connections, bytes. */
    qbufTotalBytes: Count,
    /** Total memory of all connections (tot-mem), bytes. */
    totMemTotalBytes: Count,
    /** Distinct names and hosts, before the topN cut below. */
    namesDistinct: Count,
    hostsDistinct: Count,
    /** The largest groups by connection count (at most topN each, config). */
    byName: Type.Array(ClientGroup, { maxItems: 1000 }),
    byHost: Type.Array(ClientGroup, { maxItems: 1000 }),
  },
  { additionalProperties: false },
);
export type ClientsSampleV1 = Static<typeof ClientsSampleV1>;
