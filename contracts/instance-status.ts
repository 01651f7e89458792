import Type, { type Static } from 'typebox';
import { InstanceRef } from './instance.ts';

/**
 * Whether the collector can reach an instance. Sent when reachability changes, and every
 * `heartbeatMs` while it is down, so "down" is a fact in the data rather than a gap.
 */
export const InstanceStatusV1 = Type.Object(
  {
    v: Type.Literal(1),
    kind: Type.Literal('instance-status'),
    ts: Type.Integer({ minimum: 946684800000, maximum: 4102444800000 }),
    instance: InstanceRef,
    collector: Type.String({ maxLength: 255 }),
    reachable: Type.Boolean(),
    /** Why it is unreachable (connection refused, timeout, …); no secrets. */
    error: Type.Optional(Type.String({ maxLength: 1000 })),
    /** Unix ms since when it has been in this state, as far as this collector knows. */
    since: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type InstanceStatusV1 = Static<typeof InstanceStatusV1>;
