// A key split into tokens, each classified by its own shape. Shared by the per-key
// normaliser (key-pattern.ts) and the scan's pattern miner (pattern-miner.ts), which then
// decides the ambiguous tokens from how many distinct values a position takes.
//
// Separators: `:` `/` `|` `{` `}` `#` `,` `;` `=` and space split a key into segments; inside
// a segment `.` `_` `-` split it further (`stats_daily`, `2024-06-01`, `10.0.0.1`). A segment
// that is one id as a whole even though it contains those characters is kept in one piece
// first: an e-mail address (`@`), a UUID, a random token of 16+ characters (nanoids use `_`
// and `-`). Each token is then either
//   - an id for certain ("strong"): all digits (numbers, Snowflakes, timestamps), hex of 16+
//     characters, hex of 6–15 with digits and letters, a ULID, a random-looking token of 16+;
//   - a number with a unit (`100ms`, `30d`, `5xx`, `01T10`): its digit runs become `*`;
//   - anything else: a literal, which may still be an id (`mx3ijrrf`, `a8Fk2xQ`, `user_alice`)
//     — only the cardinality of its position can tell, and `looksLikeId` says how likely.
// Pure and hot (once per scanned key): one pass over the characters, no regular expression
// on the common path.

/** Longest pattern kept; longer keys are cut and end with `…`. */
export const MAX_PATTERN_CHARS = 256;

/** Tokens of one key, in reusable parallel arrays (`n` entries are valid). */
export interface KeyTokens {
  n: number;
  /** The separator before each token: '' for the first, else one character. */
  seps: string[];
  /**
   * Separator + the token's text (`:items`), normalised for numbers with units (`:*ms`);
   * '' for a strong token. One slice of the key: the miner's lookup key as it is.
   */
  edges: string[];
  /** True when the token is an id for certain: it becomes `*` whatever its position holds. */
  strong: boolean[];
  /** The key was longer than MAX_PATTERN_CHARS - 1: only its start was tokenised. */
  truncated: boolean;
}

export function newKeyTokens(): KeyTokens {
  return { n: 0, seps: [], edges: [], strong: [], truncated: false };
}

/** The text of token `i` (its edge without the separator). */
export function tokenText(t: KeyTokens, i: number): string {
  return t.edges[i]!.slice(t.seps[i]!.length);
}

const C_0 = 48;
const C_9 = 57;
const C_A = 65;
const C_Z = 90;
const C_a = 97;
const C_z = 122;

const isDigit = (c: number) => c >= C_0 && c <= C_9;
const isUpper = (c: number) => c >= C_A && c <= C_Z;
const isLower = (c: number) => c >= C_a && c <= C_z;
const isHexLetter = (c: number) => (c >= C_a && c <= 102) || (c >= C_A && c <= 70);

/** Separators between segments. */
function isSegmentSeparator(c: number): boolean {
  return (
    c === 58 /* : */ ||
    c === 47 /* / */ ||
    c === 124 /* | */ ||
    c === 123 /* { */ ||
    c === 125 /* } */ ||
    c === 35 /* # */ ||
    c === 44 /* , */ ||
    c === 59 /* ; */ ||
    c === 61 /* = */ ||
    c === 32 /* space */
  );
}

/** Separators inside a segment. */
function isInnerSeparator(c: number): boolean {
  return c === 46 /* . */ || c === 95 /* _ */ || c === 45 /* - */;
}

/** True for a token's separator that splits inside a segment (`.` `_` `-`). */
export function isInnerSep(sep: string): boolean {
  return sep.length === 1 && isInnerSeparator(sep.charCodeAt(0));
}

const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
/** Stands for a UUID inside a segment (`pre-<uuid>`); a token holding it is an id. */
const UUID_MARK = '\u0001';
const ULID = /^[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}$/;

/** Splits `key` into `out`. */
export function tokenise(key: string, out: KeyTokens): KeyTokens {
  out.n = 0;
  out.truncated = key.length >= MAX_PATTERN_CHARS;
  const text = out.truncated ? key.slice(0, MAX_PATTERN_CHARS - 1) : key;
  let segStart = 0;
  let sep = '';
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !isSegmentSeparator(text.charCodeAt(i))) continue;
    segment(text, segStart, i, sep, out);
    if (i < text.length) {
      sep = text[i]!;
      segStart = i + 1;
    }
  }
  return out;
}

function push(out: KeyTokens, sep: string, edge: string, strong: boolean): void {
  out.seps[out.n] = sep;
  out.edges[out.n] = edge;
  out.strong[out.n] = strong;
  out.n++;
}

/** One segment [from, to) of `s`, preceded by `sep` (which is `s[from - 1]` unless `detached`). */
function segment(s: string, from: number, to: number, sep: string, out: KeyTokens, detached = false): void {
  let hasInner = false;
  let hasAt = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (isInnerSeparator(c)) hasInner = true;
    else if (c === 64 /* @ */) hasAt = true;
  }
  if (!hasInner && !hasAt) {
    pushToken(out, s, from, to, sep, detached);
    return;
  }
  // Whole-segment ids that contain inner separators: an e-mail address, a random token
  // (nanoids use `_` and `-`); a UUID inside a segment (`pre-<uuid>`) becomes one token.
  if (hasAt) {
    push(out, sep, '', true);
    return;
  }
  if (to - from >= 36 && !detached) {
    const replaced = s.slice(from, to).replace(UUID, UUID_MARK);
    if (replaced.length !== to - from) {
      segment(replaced, 0, replaced.length, sep, out, true);
      return;
    }
  }
  if (to - from >= 16 && isRandomToken(s, from, to) && !hasWordPiece(s, from, to)) {
    push(out, sep, '', true);
    return;
  }
  let start = from;
  let innerSep = sep;
  let innerDetached = detached;
  for (let i = from; i <= to; i++) {
    if (i < to && !isInnerSeparator(s.charCodeAt(i))) continue;
    pushToken(out, s, start, i, innerSep, innerDetached);
    if (i < to) {
      innerSep = s[i]!;
      innerDetached = false;
      start = i + 1;
    }
  }
}

function pushToken(out: KeyTokens, s: string, from: number, to: number, sep: string, detached: boolean): void {
  const shape = tokenShape(s, from, to);
  if (shape === STRONG) push(out, sep, '', true);
  else if (shape !== null) push(out, sep, sep + shape, false);
  else push(out, sep, detached ? sep + s.slice(from, to) : s.slice(from - sep.length, to), false);
}

const STRONG = '\u0000';

/**
 * STRONG when s[from, to) is an id for certain; a normalised text for numbers with units
 * (`100ms` → `*ms`); null when the token stays as it is (a literal).
 */
function tokenShape(s: string, from: number, to: number): string | null {
  const len = to - from;
  if (len === 0) return null;
  let digits = 0;
  let hex = 0; // hex letters
  let letters = 0;
  let other = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (isUpper(c) || isLower(c)) {
      letters++;
      if (isHexLetter(c)) hex++;
    } else other++;
  }
  if (digits === len) return STRONG;
  if (other > 0) {
    const mark = s.indexOf(UUID_MARK, from);
    return mark >= 0 && mark < to ? STRONG : null;
  }
  if (hex === letters) {
    // Only hex digits: long hex is an id (md5, sha1, ObjectId); shorter needs both kinds
    // (`7f3e2a`), because words like `cafe`, `decade` or `facade` are hex too.
    if (len >= 16 || (len >= 6 && digits > 0 && letters > 0)) return STRONG;
  }
  if (len >= 16 && isRandomToken(s, from, to)) return STRONG;
  if (len === 26 && ULID.test(s.slice(from, to))) return STRONG;
  if (digits > 0 && isDigit(s.charCodeAt(from)) && letters <= 3) return numberWithUnit(s.slice(from, to));
  return null;
}

/** Units after a number: time, size, ordinals, HTTP status classes (`5xx`). */
const UNITS = new Set([
  'ns',
  'us',
  'ms',
  's',
  'm',
  'h',
  'd',
  'w',
  'y',
  'k',
  'b',
  'kb',
  'mb',
  'gb',
  'tb',
  'st',
  'nd',
  'rd',
  'th',
  'x',
  'xx',
  'z',
]);

/** `100ms` → `*ms`, `5xx` → `*xx`, `01T10` / `00Z` (ISO date-time) → `*T*` / `*Z`; null for other shapes. */
function numberWithUnit(t: string): string | null {
  let i = 0;
  while (i < t.length && isDigit(t.charCodeAt(i))) i++;
  const unitStart = i;
  while (i < t.length && !isDigit(t.charCodeAt(i))) i++;
  const unit = t.slice(unitStart, i);
  if (i === t.length) return UNITS.has(unit.toLowerCase()) ? `*${unit}` : null;
  while (i < t.length && isDigit(t.charCodeAt(i))) i++;
  return i === t.length && unit === 'T' ? '*T*' : null;
}

/**
 * A generated token (base62/base64/nanoid, JWT parts) of 16+ characters: its characters
 * switch between digits, upper and lower case every one or two characters. Names do not:
 * in `UserProfileCacheV2` or `hotkey_001_counter_daily` every capital starts a lower-case
 * run of 2+ letters (`ser`, `rofile`, `ache`), and words have vowels. So: enough class
 * changes, and short lower-case runs (on average, or three single letters after the start),
 * or five letters without a vowel (`zxwhnnh`).
 */
export function isRandomToken(t: string, from = 0, to = t.length): boolean {
  let runs = 0;
  let lowerRuns = 0;
  let lowerChars = 0;
  let upperRuns = 0;
  let upperChars = 0;
  let singleLowers = 0; // lower-case runs of one letter, not at the start (`iPhone` is fine)
  let runLength = 0;
  let consonants = 0;
  let consonantRun = false;
  let previous = 0; // 0 none yet, 1 digit, 2 upper, 3 lower, 4 one of _-+=
  for (let i = from; i <= to; i++) {
    const c = i < to ? t.charCodeAt(i) : -1;
    let cls: number;
    if (c === -1) cls = -1;
    else if (isDigit(c)) cls = 1;
    else if (isUpper(c)) cls = 2;
    else if (isLower(c)) cls = 3;
    else if (c === 95 || c === 45 || c === 43 || c === 61) cls = 4;
    else return false;
    if (cls !== previous) {
      if (previous === 3 && runLength === 1 && i > from + 1) singleLowers++;
      if (cls === -1) break;
      runs++;
      runLength = 0;
      if (cls === 2) upperRuns++;
      else if (cls === 3) lowerRuns++;
    }
    runLength++;
    if (cls === 2) upperChars++;
    else if (cls === 3) lowerChars++;
    if (cls === 3 && !isVowel(c)) {
      if (++consonants >= 5) consonantRun = true;
    } else consonants = 0;
    previous = cls;
  }
  if (runs < 6) return false;
  // The case that carries the text: lower case, or upper case in an all-capitals token.
  const mean = lowerRuns > 0 ? lowerChars / lowerRuns : upperRuns > 0 ? upperChars / upperRuns : 0;
  return (mean > 0 && mean <= 2.6) || singleLowers >= 3 || consonantRun;
}

function isVowel(c: number): boolean {
  return c === 97 || c === 101 || c === 105 || c === 111 || c === 117 || c === 121; // a e i o u y
}

/**
 * A piece (between `_` `-`) of three or more lower-case letters only: `tmp_upload_…`,
 * `user_…_prefs` are names around an id, not one random token.
 */
function hasWordPiece(s: string, from: number, to: number): boolean {
  let run = 0;
  let pure = true;
  for (let i = from; i <= to; i++) {
    const c = i < to ? s.charCodeAt(i) : 45;
    if (c === 95 || c === 45) {
      if (pure && run >= 3) return true;
      run = 0;
      pure = true;
    } else if (isLower(c)) run++;
    else pure = false;
  }
  return false;
}

/**
 * A literal that is probably an id, though its shape alone does not prove it: letters and
 * digits mixed (`mx3ijrrf`, `a8Fk2xQ`, `order123`) — but not a word with a short version
 * or number (`v2`, `utf8`, `oauth2`, `top10`) — or letters in random case (`aBxKqPz`).
 * The miner turns such values into `*` when their position holds many of them.
 */
export function looksLikeId(t: string): boolean {
  const len = t.length;
  if (len < 5) return false;
  let digits = 0;
  let letters = 0;
  let caseRuns = 0;
  let previous = 0;
  let trailingDigits = 0;
  for (let i = 0; i < len; i++) {
    const c = t.charCodeAt(i);
    if (isDigit(c)) {
      digits++;
      trailingDigits++;
      continue;
    }
    trailingDigits = 0;
    const cls = isUpper(c) ? 2 : isLower(c) ? 3 : 0;
    if (cls === 0) continue;
    letters++;
    if (cls !== previous) caseRuns++;
    previous = cls;
  }
  if (digits > 0 && letters > 0) {
    // letters then one or two digits: a word with a version or a small number
    const wordWithNumber = trailingDigits === digits && digits <= 2;
    return !wordWithNumber;
  }
  return digits === 0 && caseRuns >= 4 && letters / caseRuns <= 2;
}

/**
 * The letters of a word followed by a number (`order123` → `order`), so that
 * `order1`…`order999` become `order*` rather than `*`; '' for any other shape.
 */
export function letterStem(t: string, from = 0): string {
  let i = from;
  while (i < t.length && (isUpper(t.charCodeAt(i)) || isLower(t.charCodeAt(i)))) i++;
  if (i === from || i === t.length) return '';
  for (let j = i; j < t.length; j++) if (!isDigit(t.charCodeAt(j))) return '';
  return t.slice(from, i);
}
