// Parses SLOWLOG GET and shapes each entry for the contract: arguments truncated and
// redacted before they leave the host (a slow SET carries the value; values are data).
//
// Reply (RESP2), newest entry first:
//   [ [id, unix-seconds, duration-µs, [arg, …], "ip:port", "client-name"], … ]
// The address and name exist since Redis 4.0. Redis itself keeps at most 32 arguments
// (the last one becoming "... (N more arguments)") and 128 bytes per argument
// ("... (N more bytes)" appended); we read those markers to report the true count.
import type { SlowlogEntry } from '../../../contracts/index.ts';

export interface RawSlowlogEntry {
  id: number;
  loggedAtS: number;
  durationUs: number;
  args: string[];
  clientAddr: string;
  clientName: string;
}

export type Redaction = 'none' | 'key' | 'all';

export interface ArgPolicy {
  /** Arguments kept after the command name. */
  maxArgs: number;
  /** Bytes kept of each argument (UTF-8). */
  maxArgBytes: number;
  /** `key` (default): keep the first argument, `?` for the rest; `all`: `?` for every argument; `none`: keep them. */
  redact: Redaction;
}

export class SlowlogParseError extends Error {
  override name = 'SlowlogParseError';
}

const MORE_ARGS = /^\.\.\. \((\d+) more arguments\)$/;
const MORE_BYTES = /\.\.\. \(\d+ more bytes\)$/;

function int(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new SlowlogParseError(`bad ${what} ${JSON.stringify(v)} in SLOWLOG GET reply`);
  return n;
}

export function parseSlowlogReply(reply: unknown): RawSlowlogEntry[] {
  if (!Array.isArray(reply)) throw new SlowlogParseError(`SLOWLOG GET: expected an array, got ${typeof reply}`);
  return reply.map((e: unknown) => {
    if (!Array.isArray(e) || e.length < 4)
      throw new SlowlogParseError(`SLOWLOG GET: malformed entry ${JSON.stringify(e).slice(0, 200)}`);
    const [id, ts, duration, args, addr, name] = e as [unknown, unknown, unknown, unknown, unknown?, unknown?];
    return {
      id: int(id, 'id'),
      loggedAtS: int(ts, 'timestamp'),
      durationUs: int(duration, 'duration'),
      args: Array.isArray(args) ? args.map((a) => String(a)) : [],
      clientAddr: addr === undefined ? '' : String(addr),
      clientName: name === undefined ? '' : String(name),
    };
  });
}

function cutBytes(s: string, maxBytes: number): { text: string; cut: boolean } {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= maxBytes) return { text: s, cut: false };
  // A cut inside a multi-byte character decodes to U+FFFD; drop it rather than ship garbage.
  return {
    text: `${buf
      .subarray(0, maxBytes)
      .toString('utf8')
      .replace(/\uFFFD+$/, '')}…`,
    cut: true,
  };
}

export function shapeEntry(raw: RawSlowlogEntry, policy: ArgPolicy): SlowlogEntry {
  let args = raw.args;
  let argCount = args.length;
  let truncated = false;
  const more = args.length > 0 ? MORE_ARGS.exec(args[args.length - 1]!) : null;
  if (more) {
    args = args.slice(0, -1);
    argCount = args.length + Number(more[1]);
    truncated = true;
  }
  const [command = '', ...rest] = args;
  if (rest.length > policy.maxArgs) truncated = true;
  const shown = rest.slice(0, policy.maxArgs).map((arg, i) => {
    if (policy.redact === 'all' || (policy.redact === 'key' && i > 0)) return '?';
    if (MORE_BYTES.test(arg)) truncated = true;
    const { text, cut } = cutBytes(arg, policy.maxArgBytes);
    if (cut) truncated = true;
    return text;
  });
  return {
    id: raw.id,
    loggedAtS: raw.loggedAtS,
    durationUs: raw.durationUs,
    command: cutBytes(command.toLowerCase(), 128).text,
    args: shown,
    argCount,
    argsTruncated: truncated,
    clientAddr: raw.clientAddr.slice(0, 300),
    clientName: raw.clientName.slice(0, 512),
  };
}
