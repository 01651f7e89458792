// Key → key pattern, so a million keys become a few hundred rows an operator can read:
//   user:123:cart                         → user:*:cart
//   session:9f1c2d3e-…-4a5b6c7d8e9f       → session:*          (UUID)
//   blob:5d41402abc4b2a76b9719d911017c592 → blob:*             (16+ hex digits: md5, sha1, ObjectId)
//   tok:aZ3kQ9xP0LmN2bV7cR5t              → tok:*              (16+ chars of letters and digits: a random token)
//   {user:42}:orders:2024-06-01           → {user:*}:orders:*-*-*  (hash tag kept, its content normalised)
//   mail:alice@example.com                → mail:*             (e-mail address)
// Digit runs anywhere become `*` (`v2` → `v*`, `10.0.0.1` → `*.*.*.*`): cheap, predictable,
// and what people expect from `user:*` patterns. Plain words are kept, so a key named after
// a user name (`user:alice`) stays its own pattern; the aggregation caps the number of
// patterns and merges the rest into `(other)`.
// Pure and hot (called once per scanned key): keys without a digit, `{` or `@` return at once.

/** Longest pattern kept; longer ones end with `…`. */
export const MAX_PATTERN_CHARS = 256;

const SEPARATORS = /([:/|])/;
const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const LONG_HEX = /^[0-9a-fA-F]{16,}$/;
const RANDOM_TOKEN = /^[A-Za-z0-9_\-+=]{16,}$/;
const DIGIT_RUNS = /\d+/g;

export function keyPattern(key: string): string {
  if (key === '') return '(empty)';
  const quick = collapseDigitsIfSimple(key);
  if (quick !== null) return quick;
  const tagOpen = key.indexOf('{');
  // Redis hashes only the part between the first `{` and the next `}` (if not empty): keep
  // the braces so patterns still show which keys share a slot, and normalise the inside.
  if (tagOpen >= 0) {
    const tagClose = key.indexOf('}', tagOpen + 1);
    if (tagClose > tagOpen + 1) {
      const inner = normalise(key.slice(tagOpen + 1, tagClose));
      return truncate(`${normalise(key.slice(0, tagOpen))}{${inner}}${normalise(key.slice(tagClose + 1))}`);
    }
  }
  return truncate(normalise(key));
}

const CODE_0 = 48;
const CODE_9 = 57;

/**
 * The fast path, one pass over the characters: when every segment is shorter than 16
 * characters (so no UUID, long hex or token can hide in it) and there is no `{` or `@`,
 * the pattern is the key with its digit runs collapsed. Otherwise null: take the full path.
 */
function collapseDigitsIfSimple(key: string): string | null {
  if (key.length > MAX_PATTERN_CHARS) return null;
  let out = '';
  let from = 0;
  let segmentLength = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= CODE_0 && c <= CODE_9) {
      let j = i + 1;
      while (j < key.length && key.charCodeAt(j) >= CODE_0 && key.charCodeAt(j) <= CODE_9) j++;
      out += `${key.slice(from, i)}*`;
      segmentLength += j - i;
      from = j;
      i = j - 1;
    } else if (c === 58 /* : */ || c === 47 /* / */ || c === 124 /* | */) segmentLength = 0;
    else if (c === 123 /* { */ || c === 64 /* @ */) return null;
    else segmentLength++;
    if (segmentLength >= 16) return null;
  }
  return from === 0 ? key : out + key.slice(from);
}

function normalise(text: string): string {
  if (text === '') return text;
  const parts = text.replace(UUID, '*').split(SEPARATORS);
  // parts alternate: segment, separator, segment, …
  for (let i = 0; i < parts.length; i += 2) parts[i] = segment(parts[i]!);
  return parts.join('');
}

function segment(s: string): string {
  if (s.length >= 16) {
    if (LONG_HEX.test(s)) return '*';
    // Generated ids (base62/base64 tokens, JWT parts) switch between digits, upper and lower
    // case every one or two characters; names (`hotkey_001_counter`, `UserProfileCacheV2`) run longer.
    if (RANDOM_TOKEN.test(s) && looksRandom(s)) return '*';
  }
  if (s.includes('@')) return '*';
  return s.replace(DIGIT_RUNS, '*');
}

/** Has a digit, and its runs of digits / upper case / lower case average at most 2 characters. */
function looksRandom(s: string): boolean {
  let runs = 0;
  let chars = 0;
  let digit = false;
  let previous = 0; // 0 none yet, 1 digit, 2 upper, 3 lower
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const cls = c >= CODE_0 && c <= CODE_9 ? 1 : c >= 65 && c <= 90 ? 2 : c >= 97 && c <= 122 ? 3 : 0;
    if (cls === 0) continue;
    chars++;
    if (cls === 1) digit = true;
    if (cls !== previous) runs++;
    previous = cls;
  }
  return digit && runs >= 6 && chars / runs <= 2;
}

function truncate(p: string): string {
  return p.length <= MAX_PATTERN_CHARS ? p : `${p.slice(0, MAX_PATTERN_CHARS - 1)}…`;
}
