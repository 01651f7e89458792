import Type, { type Static } from 'typebox';

// What a detector says about the fleet. Detectors emit one event when a condition starts
// (`firing`) and one when it ends (`resolved`); they may repeat `firing` while it lasts.
// The alert manager deduplicates by fingerprint, groups, rate-limits and routes to chat.

export const Severity = Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]);
export type Severity = Static<typeof Severity>;

export const AlertEventV1 = Type.Object(
  {
    v: Type.Literal(1),
    kind: Type.Literal('alert'),
    /** When the detector decided, unix ms. */
    ts: Type.Integer({ minimum: 0 }),
    /** Stable identity of the condition: same rule + same subject → same fingerprint. */
    fingerprint: Type.String({ minLength: 1, maxLength: 128 }),
    /** Detector name, e.g. `failover`, `non-expiring-keys`, `big-key`. */
    rule: Type.String({ minLength: 1, maxLength: 100 }),
    status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
    severity: Severity,
    cluster: Type.String({ maxLength: 200 }),
    /** The instance concerned, `host:port`, when there is one. */
    instance: Type.Optional(Type.String({ maxLength: 300 })),
    labels: Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 500 }), { maxProperties: 50 }),
    /** One line, readable on a phone. */
    summary: Type.String({ maxLength: 500 }),
    /** Several lines of plain text: what happened, numbers, example keys. */
    details: Type.String({ maxLength: 8000 }),
    /** Likely causes, most likely first (e.g. slowlog entries before a failover). */
    hints: Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 20 }),
  },
  { additionalProperties: false },
);
export type AlertEventV1 = Static<typeof AlertEventV1>;
