// Parses MONITOR output and finds the keys each command names. Pure.
// A MONITOR line (Redis 2.6–8.x, Valkey) is a RESP simple string:
//   +1339518083.107412 [0 127.0.0.1:60866] "set" "user:1" "v"
//   +1339518083.107412 [0 lua] "get" "user:1"
// Arguments are quoted with C-like escapes (sdscatrepr): \" \\ \n \r \t \a \b \xHH.

export interface MonitorEntry {
  tsMs: number;
  db: number;
  source: string;
  args: string[];
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', '"': '"', '\\': '\\' };

export function parseMonitorLine(line: string): MonitorEntry | null {
  const m = /^\+?(\d+(?:\.\d+)?) \[(\d+) ([^\]]*)\] (.*)$/.exec(line.trimEnd());
  if (!m) return null;
  const args: string[] = [];
  const rest = m[4]!;
  let i = 0;
  while (i < rest.length) {
    if (rest[i] === ' ') {
      i++;
      continue;
    }
    if (rest[i] !== '"') return null;
    i++;
    let arg = '';
    let closed = false;
    while (i < rest.length) {
      const c = rest[i]!;
      if (c === '"') {
        closed = true;
        i++;
        break;
      }
      if (c === '\\' && i + 1 < rest.length) {
        const e = rest[i + 1]!;
        if (e === 'x' && i + 3 < rest.length) {
          arg += String.fromCharCode(parseInt(rest.slice(i + 2, i + 4), 16));
          i += 4;
        } else {
          arg += ESCAPES[e] ?? e;
          i += 2;
        }
        continue;
      }
      arg += c;
      i++;
    }
    if (!closed) return null;
    args.push(arg);
  }
  if (args.length === 0) return null;
  return { tsMs: Math.round(Number(m[1]) * 1000), db: Number(m[2]), source: m[3]!, args };
}

/** Commands that name no key (or only channels, scripts, config …). */
const KEYLESS = new Set([
  'ping',
  'echo',
  'info',
  'select',
  'auth',
  'hello',
  'client',
  'config',
  'cluster',
  'command',
  'multi',
  'exec',
  'discard',
  'unwatch',
  'scan',
  'dbsize',
  'time',
  'slowlog',
  'latency',
  'script',
  'function',
  'flushall',
  'flushdb',
  'save',
  'bgsave',
  'bgrewriteaof',
  'lastsave',
  'role',
  'replconf',
  'psync',
  'sync',
  'readonly',
  'readwrite',
  'quit',
  'reset',
  'wait',
  'waitaof',
  'debug',
  'monitor',
  'publish',
  'spublish',
  'subscribe',
  'ssubscribe',
  'psubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'pubsub',
  'randomkey',
  'swapdb',
  'acl',
  'module',
  'shutdown',
  'failover',
  'replicaof',
  'slaveof',
  'lolwut',
  'memory',
  'object',
  'xread',
  'xreadgroup',
  'hotkeys',
  'asking',
  'keys',
]);
/** Every argument is a key. */
const ALL_KEYS = new Set([
  'mget',
  'del',
  'unlink',
  'exists',
  'touch',
  'watch',
  'sinter',
  'sunion',
  'sdiff',
  'pfcount',
  'pfmerge',
  'sinterstore',
  'sunionstore',
  'sdiffstore',
]);
/** key value key value … */
const PAIRS = new Set(['mset', 'msetnx']);
/** numkeys then keys. */
const NUMKEYS_AT_1 = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/** The keys a command names, by its arguments (command name first). */
export function keysOfCommand(args: readonly string[]): string[] {
  const name = args[0]?.toLowerCase();
  if (!name || args.length < 2) return [];
  if (KEYLESS.has(name)) {
    // MEMORY USAGE key / OBJECT FREQ key name a key in second position.
    if ((name === 'memory' || name === 'object') && args.length >= 3) return [args[2]!];
    return [];
  }
  if (ALL_KEYS.has(name)) return args.slice(1);
  if (PAIRS.has(name)) return args.slice(1).filter((_, i) => i % 2 === 0);
  if (NUMKEYS_AT_1.has(name)) {
    const n = Number(args[2]);
    return Number.isInteger(n) && n > 0 ? args.slice(3, 3 + n) : [];
  }
  return [args[1]!];
}
