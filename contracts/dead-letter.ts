import Type, { type Static } from 'typebox';

/** What the stream processor writes to the dead-letter topic for a message it cannot use. */
export const DeadLetterV1 = Type.Object({
  v: Type.Literal(1),
  kind: Type.Literal('dead-letter'),
  /** When the processor gave up on the message, unix ms. */
  ts: Type.Integer(),
  source: Type.Object({
    topic: Type.String(),
    partition: Type.Integer(),
    offset: Type.String(),
    key: Type.Union([Type.String(), Type.Null()]),
  }),
  /** Why: the first validation errors with their JSON paths, or the parse error. */
  reason: Type.String(),
  /** The original value as text (truncated to 64 KiB) so it can be inspected and replayed. */
  value: Type.String(),
});
export type DeadLetterV1 = Static<typeof DeadLetterV1>;
