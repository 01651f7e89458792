import Type, { type Static } from 'typebox';
import { InstanceRef } from './instance.ts';

// New SLOWLOG entries of one instance since the previous sample. Each entry is sent once:
// the collector tracks the highest entry id per instance (see collectors/samplers/slowlog/).
// Arguments are truncated and, by default, redacted in the collector: only the command
// name and its first argument (usually the key) leave the host.

const Count = Type.Integer({ minimum: 0 });

export const SlowlogEntry = Type.Object(
  {
    /** SLOWLOG entry id: increases by one per entry, restarts at 0 when Redis restarts. */
    id: Count,
    /** Unix seconds when Redis logged the entry (right after the command finished). */
    loggedAtS: Count,
    /** Execution time inside Redis, microseconds (excludes network and queueing). */
    durationUs: Count,
    /** Lower-case command name (`get`, `debug`, `config`). */
    command: Type.String({ maxLength: 128 }),
    /** The arguments after the command name, truncated and redacted (`?` for a hidden value). */
    args: Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 256 }),
    /** How many arguments the command had, the name included (Redis itself keeps at most 32). */
    argCount: Count,
    /** True when arguments were dropped or shortened (by Redis or by the collector). */
    argsTruncated: Type.Boolean(),
    /** `ip:port` of the client (Redis ≥ 4; '' when unknown). */
    clientAddr: Type.String({ maxLength: 300 }),
    /** CLIENT SETNAME of the client ('' when unnamed). */
    clientName: Type.String({ maxLength: 512 }),
  },
  { additionalProperties: false },
);
export type SlowlogEntry = Static<typeof SlowlogEntry>;

export const SlowlogSampleV1 = Type.Object(
  {
    v: Type.Literal(1),
    kind: Type.Literal('slowlog'),
    /** Sample time, unix milliseconds. */
    ts: Type.Integer({ minimum: 946684800000, maximum: 4102444800000 }),
    instance: InstanceRef,
    collector: Type.String({ maxLength: 255 }),
    /** INFO `run_id` of the instance; a new one means Redis restarted. */
    runId: Type.String({ maxLength: 64 }),
    /** New entries, newest first (as SLOWLOG GET returns them). */
    entries: Type.Array(SlowlogEntry, { maxItems: 1024 }),
    /** The log restarted since the previous sample (restart: ids went backwards or run_id changed). */
    reset: Type.Boolean(),
    /** Entries that left the log before they could be read (gap in ids), estimated. */
    missed: Count,
  },
  { additionalProperties: false },
);
export type SlowlogSampleV1 = Static<typeof SlowlogSampleV1>;
