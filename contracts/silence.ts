import Type, { type Static } from 'typebox';

// A silence, as Alertmanager has them: alerts whose labels match every matcher between
// startsAtMs and endsAtMs are recorded (history transition `silenced`) but not sent.
// Labels an alert is matched on: `rule`, `cluster`, `severity`, `instance` and the
// detector's own labels (`old_master`, `new_master`, `command`, …).
// Created and expired through the API (admin token) or `redscope silence`; stored in
// ClickHouse (`silences`), read by the alert manager every few seconds.

export const SilenceMatcher = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
    /** `=` equal, `!=` not equal, `=~` / `!~` a regular expression matching the whole value (or not). */
    op: Type.Union([Type.Literal('='), Type.Literal('!='), Type.Literal('=~'), Type.Literal('!~')]),
    value: Type.String({ maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type SilenceMatcher = Static<typeof SilenceMatcher>;

export const SilenceV1 = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    matchers: Type.Array(SilenceMatcher, { minItems: 1, maxItems: 20 }),
    /** Unix ms. */
    startsAtMs: Type.Integer({ minimum: 0 }),
    /** Unix ms; expiring a silence sets it to the moment it was expired. */
    endsAtMs: Type.Integer({ minimum: 0 }),
    /** The API token's name that created it (`anonymous` with auth off). */
    createdBy: Type.String({ maxLength: 100 }),
    comment: Type.String({ minLength: 1, maxLength: 1000 }),
    createdAtMs: Type.Integer({ minimum: 0 }),
    /** Unix ms of the last change (creation or expiry); the newest version wins. */
    updatedAtMs: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type SilenceV1 = Static<typeof SilenceV1>;
