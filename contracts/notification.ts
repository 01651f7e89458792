import Type, { type Static } from 'typebox';

// A rendered chat message waiting in the durable outbox (TOPICS.notifications), keyed by
// receiver name. It holds the message body only: the webhook URL and signature are added
// by chat delivery at send time, because the URL is a secret that does not belong in
// Kafka and DingTalk/Feishu signatures expire an hour after their timestamp.

export const NotificationV1 = Type.Object(
  {
    v: Type.Literal(1),
    kind: Type.Literal('notification'),
    /** Deterministic from the group and the alert transitions it reports: a re-produced message has the same id, so delivery sends it once. */
    id: Type.String({ minLength: 1, maxLength: 128 }),
    /** When the alert manager rendered it, unix ms. */
    ts: Type.Integer({ minimum: 0 }),
    receiver: Type.String({ minLength: 1, maxLength: 100 }),
    /** The receiver type the payload was rendered for; delivery refuses a mismatch (config changed meanwhile). */
    receiverType: Type.String({ minLength: 1, maxLength: 20 }),
    cluster: Type.String({ maxLength: 200 }),
    rule: Type.String({ maxLength: 100 }),
    fingerprints: Type.Array(Type.String({ maxLength: 128 }), { maxItems: 1000 }),
    /** The chat API's JSON body, without URL or signature. */
    payload: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type NotificationV1 = Static<typeof NotificationV1>;
