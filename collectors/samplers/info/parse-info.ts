// Parses the text of `INFO everything` (Redis 6.2–8.x, Valkey 7.2+/8.x share the format).
//
// Rules that keep the parser useful across versions:
// - a field it does not know is kept as a generic number or string, never an error;
// - a field a version lacks is simply absent (not 0);
// - `key:value` lines whose value is a `k=v,k=v` list (cmdstat_*, errorstat_*,
//   latency_percentiles_usec_*, dbN, slaveN) are turned into structured entries.
import type { CommandStat, ErrorStat, KeyspaceDb, ReplicaLink } from '../../../contracts/index.ts';

export interface ParsedInfo {
  fields: Record<string, number>;
  text: Record<string, string>;
  commands: CommandStat[];
  errors: ErrorStat[];
  keyspace: KeyspaceDb[];
  replicas: ReplicaLink[];
  role: 'master' | 'replica' | 'unknown';
  version: string;
}

/** Fields that look numeric on some servers but are identifiers (e.g. `redis_git_sha1:00000000`). */
const ALWAYS_TEXT = new Set([
  'redis_git_sha1',
  'redis_git_dirty',
  'redis_build_id',
  'run_id',
  'master_replid',
  'master_replid2',
  'redis_version',
  'valkey_version',
  'server_name',
  'os',
  'executable',
  'config_file',
  'gcc_version',
]);

/**
 * Whether `s` is a plain decimal number: `-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?`, checked
 * by char codes because it runs on every INFO value every second (a regex test cost more
 * than the rest of the parse).
 */
export function isNumeric(s: string): boolean {
  const n = s.length;
  let i = 0;
  if (n > 0 && s.charCodeAt(0) === 45 /* - */) i++;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  let digits = i - intStart;
  if (i < n && s.charCodeAt(i) === 46 /* . */) {
    const fracStart = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    digits += i - fracStart;
  }
  if (digits === 0) return false;
  if (i < n && (s.charCodeAt(i) | 32) === 101 /* e or E */) {
    i++;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45) /* + or - */) i++;
    const expStart = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === expStart) return false;
  }
  return i === n;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `prefix` followed by one or more digits only (`db0`, `slave12`). */
function isPrefixDigits(key: string, prefix: string): boolean {
  if (key.length <= prefix.length || !key.startsWith(prefix)) return false;
  for (let i = prefix.length; i < key.length; i++) if (!isDigit(key.charCodeAt(i))) return false;
  return true;
}

/** `calls=3,usec=9,usec_per_call=3.00` → { calls: '3', usec: '9', … } */
export function parseAttributes(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || !isNumeric(v)) return undefined;
  return Number(v);
}

const CMDSTAT = 'cmdstat_';
const PERCENTILES = 'latency_percentiles_usec_';
const ERRORSTAT = 'errorstat_';

export function parseInfo(raw: string): ParsedInfo {
  const out: ParsedInfo = {
    fields: {},
    text: {},
    commands: [],
    errors: [],
    keyspace: [],
    replicas: [],
    role: 'unknown',
    version: '',
  };
  const commands = new Map<string, CommandStat>();
  const percentiles = new Map<string, Record<string, string>>();

  // Line by line without splitting the reply into an array first; `\r\n` or `\n` ends a line.
  const length = raw.length;
  for (let start = 0; start < length; ) {
    let end = raw.indexOf('\n', start);
    if (end === -1) end = length;
    const next = end + 1;
    if (end > start && raw.charCodeAt(end - 1) === 13 /* \r */) end--;
    if (end === start || raw.charCodeAt(start) === 35 /* # */) {
      start = next;
      continue;
    }
    const colon = raw.indexOf(':', start);
    if (colon <= start || colon >= end) {
      start = next;
      continue;
    }
    const key = raw.slice(start, colon);
    const value = raw.slice(colon + 1, end);
    start = next;

    switch (key.charCodeAt(0)) {
      case 99 /* c */:
        if (key.startsWith(CMDSTAT)) {
          const a = parseAttributes(value);
          const calls = num(a.calls);
          const usec = num(a.usec);
          if (calls === undefined || usec === undefined) continue;
          const stat: CommandStat = { command: key.slice(CMDSTAT.length), calls, usec };
          const rejected = num(a.rejected_calls);
          const failed = num(a.failed_calls);
          if (rejected !== undefined) stat.rejectedCalls = rejected;
          if (failed !== undefined) stat.failedCalls = failed;
          commands.set(stat.command, stat);
          continue;
        }
        break;
      case 108 /* l */:
        if (key.startsWith(PERCENTILES)) {
          percentiles.set(key.slice(PERCENTILES.length), parseAttributes(value));
          continue;
        }
        break;
      case 101 /* e */:
        if (key.startsWith(ERRORSTAT)) {
          const count = num(parseAttributes(value).count);
          if (count !== undefined) out.errors.push({ error: key.slice(ERRORSTAT.length), count });
          continue;
        }
        break;
      case 100 /* d */:
        if (isPrefixDigits(key, 'db')) {
          const a = parseAttributes(value);
          out.keyspace.push({
            db: Number(key.slice(2)),
            keys: num(a.keys) ?? 0,
            expires: num(a.expires) ?? 0,
            avgTtlMs: num(a.avg_ttl) ?? 0,
          });
          continue;
        }
        break;
      case 115 /* s */:
        if (isPrefixDigits(key, 'slave') && value.includes('=')) {
          const a = parseAttributes(value);
          out.replicas.push({
            host: a.ip ?? '',
            port: num(a.port) ?? 0,
            state: a.state ?? '',
            offset: num(a.offset) ?? 0,
            lagSeconds: num(a.lag) ?? 0,
          });
          continue;
        }
        break;
      case 109 /* m */:
        if (key === 'module') {
          const name = parseAttributes(value).name ?? String(Object.keys(out.text).length);
          out.text[`module_${name}`] = value;
          continue;
        }
        break;
    }
    if (isNumeric(value) && !ALWAYS_TEXT.has(key)) out.fields[key] = Number(value);
    else out.text[key] = value;
  }

  for (const [command, p] of percentiles) {
    const stat = commands.get(command);
    if (!stat) continue;
    const p50 = num(p.p50),
      p99 = num(p.p99),
      p999 = num(p['p99.9']);
    if (p50 !== undefined) stat.p50Us = p50;
    if (p99 !== undefined) stat.p99Us = p99;
    if (p999 !== undefined) stat.p999Us = p999;
  }
  out.commands = [...commands.values()];

  // Totals over all databases, so "keys without TTL" is one cheap field every second.
  if (out.keyspace.length > 0 || 'connected_clients' in out.fields) {
    const keys = out.keyspace.reduce((s, d) => s + d.keys, 0);
    const expires = out.keyspace.reduce((s, d) => s + d.expires, 0);
    out.fields.keyspace_keys = keys;
    out.fields.keyspace_expires = expires;
    out.fields.keyspace_keys_without_ttl = keys - expires;
  }

  const role = out.text.role;
  out.role = role === 'master' ? 'master' : role === 'slave' || role === 'replica' ? 'replica' : 'unknown';
  out.version = out.text.valkey_version ?? out.text.redis_version ?? '';
  return out;
}
