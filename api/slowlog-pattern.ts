// Slowlog arguments → a pattern, so `GET user:1`, `GET user:2` … count as one line:
//   GET user:123                       → get user:*
//   HSET session:9f1c…(uuid) f1 v1     → hset session:* ? …   (repeats folded)
//   MGET k:1 k:2 k:3                   → mget k:* …
//   ZRANGEBYSCORE z 0 100 WITHSCORES   → zrangebyscore z ? ? WITHSCORES
//   EVALSHA 3c7d…(40 hex) 1 key:7      → evalsha * ? key:*
// The first argument is usually the key: digit runs, UUIDs, long hex and e-mail addresses
// become `*` (like keyspace key patterns). Later arguments are values, shown as `?`,
// except the option keywords Redis commands take (EX, NX, WITHSCORES, LIMIT, MATCH, …).
// The collector already redacts values to `?` by default; this also folds what it kept.
// Pure: unit-tested in slowlog-pattern.test.ts.

const KEYWORDS = new Set([
  'EX',
  'PX',
  'EXAT',
  'PXAT',
  'NX',
  'XX',
  'GT',
  'LT',
  'KEEPTTL',
  'GET',
  'CH',
  'INCR',
  'WITHSCORES',
  'WITHSCORE',
  'LIMIT',
  'BYSCORE',
  'BYLEX',
  'REV',
  'MATCH',
  'COUNT',
  'TYPE',
  'STORE',
  'STOREDIST',
  'ASC',
  'DESC',
  'ALPHA',
  'BY',
  'WEIGHTS',
  'AGGREGATE',
  'SUM',
  'MIN',
  'MAX',
  'WITHVALUES',
  'BLOCK',
  'STREAMS',
  'NOACK',
  'MAXLEN',
  'MINID',
  'NOMKSTREAM',
  'LEFT',
  'RIGHT',
  'BEFORE',
  'AFTER',
  'FIELDS',
  'RANK',
  'IDLE',
  'JUSTID',
  'WITHCOORD',
  'WITHDIST',
  'WITHHASH',
  'FROMMEMBER',
  'FROMLONLAT',
  'BYRADIUS',
  'BYBOX',
  'ANY',
  'LEN',
  'IDX',
  'MINMATCHLEN',
  'WITHMATCHLEN',
  'SCHEDULE',
  'ASYNC',
  'SYNC',
  'FLUSH',
  'RESET',
  'NOSAVE',
  'SAVE',
  'FORCE',
  'ABORT',
  'REPLACE',
  'ABSTTL',
  'FREQ',
  'AUTH',
  'AUTH2',
  'COPY',
  'KEYS',
]);

const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const LONG_HEX = /[0-9a-fA-F]{16,}/g;
const EMAIL = /[^\s:@/]+@[^\s:@/]+/g;
const DIGITS = /\d+/g;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$|^[-+]?inf$/i;
/** The collector's marker for arguments it dropped: `... (N more arguments)`. */
const MORE = /^\.\.\. \(\d+ more (arguments|bytes)\)$/;

/** Redis cuts long arguments: `abc... (872 more bytes)`. */
const CUT_BYTES = /\.\.\. \(\d+ more bytes\)$/;
/** Longest key pattern shown. */
const MAX_KEY_CHARS = 120;

/** A key → its pattern (digit runs, UUIDs, long hex ids and e-mail addresses → `*`). */
export function keyShape(key: string): string {
  if (key === '?' || key === '') return key || '""';
  const shaped = key
    .replace(CUT_BYTES, '…')
    .replace(UUID, '*')
    .replace(LONG_HEX, '*')
    .replace(EMAIL, '*')
    .replace(DIGITS, '*');
  return shaped.length <= MAX_KEY_CHARS ? shaped : `${shaped.slice(0, MAX_KEY_CHARS - 1)}…`;
}

function valueShape(arg: string): string {
  if (arg === '?') return '?';
  if (MORE.test(arg)) return '…';
  const upper = arg.toUpperCase();
  if (KEYWORDS.has(upper) && !NUMBER.test(arg)) return upper;
  // A key-like argument (`name:part`) among the values — MGET/DEL/SUNION keys — keeps its shape.
  if (/^[^\s]{1,200}$/.test(arg) && /[:{]/.test(arg) && !NUMBER.test(arg)) return keyShape(arg);
  return '?';
}

/** `command arg…` → its pattern; consecutive identical shapes fold into one followed by `…`. */
export function slowlogPattern(command: string, args: readonly string[]): string {
  const shapes = args.map((arg, i) => (i === 0 ? (NUMBER.test(arg) ? '?' : keyShape(arg)) : valueShape(arg)));
  const folded: string[] = [];
  for (const s of shapes) {
    const last = folded[folded.length - 1];
    if (s === last || last === `${s} …`) folded[folded.length - 1] = `${s} …`;
    else folded.push(s);
  }
  return [command.toLowerCase(), ...folded].join(' ').replace(/(?: …)+/g, ' …');
}
