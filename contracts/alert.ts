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
    /**
     * How the alert manager treats it (absent = `condition`):
     * - `condition`: a state that lasts (memory high, instance down): grouped, held by the
     *   group interval, reminded while firing, a flapping one held to one message per cooldown,
     *   and not worth a page if it resolved before its message went out;
     * - `event`: a one-off occurrence (a failover, a blocking command): every firing is
     *   notified at once, never held by an earlier message's group interval, and also when it
     *   already resolved (then one message says both); a `cause` label that appears later is
     *   sent as a follow-up tied to it;
     * - `report`: a digest (config audit): sent once as it is, never reminded.
     */
    lifecycle: Type.Optional(Type.Union([Type.Literal('condition'), Type.Literal('event'), Type.Literal('report')])),
  },
  { additionalProperties: false },
);
export type AlertEventV1 = Static<typeof AlertEventV1>;
export type AlertLifecycle = NonNullable<AlertEventV1['lifecycle']>;

/** The label an event-like alert carries once its cause is known (sent as a follow-up when it arrives late). */
export const CAUSE_LABEL = 'cause';

/**
 * The stream processor's "alive" event (every detectors.watchdog.everyMs): never an alert,
 * it drives the alert manager's optional heartbeat message (alerts.heartbeat).
 */
export const WATCHDOG_RULE = 'watchdog';
