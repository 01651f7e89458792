// Ids the way real applications generate them, for the key-pattern tests and the scan
// benchmark: each style is produced by the same recipe as the library or database that
// makes it (alphabet, length, layout), from a seeded generator so a failure reproduces.

/** mulberry32: small, fast, good enough to draw test ids from. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const NANOID = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict'; // nanoid's urlAlphabet
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const HEX = '0123456789abcdef';

function pick(rnd: () => number, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
  return s;
}

const between = (rnd: () => number, lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

export type IdStyle =
  | 'numeric'
  | 'base36'
  | 'base62'
  | 'hex'
  | 'nanoid'
  | 'uuid'
  | 'ulid'
  | 'snowflake'
  | 'objectid'
  | 'email';

export const ID_STYLES: Record<IdStyle, (rnd: () => number) => string> = {
  /** Auto-increment ids. */
  numeric: (rnd) => String(between(rnd, 1, 9_999_999)),
  /** `Math.random().toString(36).slice(2, 10)` and friends: 6–10 lower-case letters and digits. */
  base36: (rnd) => pick(rnd, BASE36, between(rnd, 6, 10)),
  /** Short-link style ids: 7 characters of [0-9A-Za-z]. */
  base62: (rnd) => pick(rnd, BASE62, 7),
  /** Truncated hashes / random hex: 6–12 hex digits. */
  hex: (rnd) => pick(rnd, HEX, between(rnd, 6, 12)),
  /** nanoid(): 21 characters of A-Za-z0-9_- */
  nanoid: (rnd) => pick(rnd, NANOID, 21),
  /** UUID v4. */
  uuid: (rnd) => {
    const h = pick(rnd, HEX, 32).split('');
    h[12] = '4';
    h[16] = '89ab'[Math.floor(rnd() * 4)]!;
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  },
  /** ULID: 48-bit ms timestamp (10 chars) + 80 random bits (16 chars), Crockford base32. */
  ulid: (rnd) => {
    let t = 1_764_000_000_000 + between(rnd, 0, 86_400_000);
    let time = '';
    for (let i = 0; i < 10; i++) {
      time = CROCKFORD[t % 32] + time;
      t = Math.floor(t / 32);
    }
    return time + pick(rnd, CROCKFORD, 16);
  },
  /** Twitter/Discord Snowflake: a 64-bit integer, 18–19 digits. */
  snowflake: (rnd) => `1${pick(rnd, '0123456789', 18)}`,
  /** MongoDB ObjectId: 24 hex digits, the first 8 a timestamp. */
  objectid: (rnd) => `69${pick(rnd, HEX, 6)}${pick(rnd, HEX, 16)}`,
  /** E-mail addresses as user keys. */
  email: (rnd) =>
    `${pick(rnd, 'abcdefghijklmnopqrstuvwxyz', between(rnd, 3, 8))}.${pick(rnd, 'abcdefghijklmnopqrstuvwxyz', between(rnd, 3, 8))}@${['example.com', 'mail.example.org', 'corp.example.net'][between(rnd, 0, 2)]}`,
};

/** The six styles of the Stage 5 leak: numbers, short base36, base62, 6–12-char hex, nanoid, UUID. */
export const LEAK_STYLES: readonly IdStyle[] = ['numeric', 'base36', 'base62', 'hex', 'nanoid', 'uuid'];

/** `perStyle` distinct ids of each style, in a shuffled order (SCAN returns keys in hash order). */
export function idCorpus(styles: readonly IdStyle[], perStyle: number, seed = 1): string[] {
  const rnd = seededRandom(seed);
  const ids = new Set<string>();
  for (const style of styles) {
    const target = ids.size + perStyle;
    while (ids.size < target) ids.add(ID_STYLES[style](rnd));
  }
  return shuffle([...ids], rnd);
}

export function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
