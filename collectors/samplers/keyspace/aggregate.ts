// Folds inspected keys into what a KeyspaceScanV1 carries: per-pattern totals with a TTL
// histogram, and the top-N keys by bytes, by element count and (under an LFU policy) by
// access frequency. Patterns are mined from the whole scan (pattern-miner.ts), so a key's
// pattern is final only at the end: top-N keys get theirs in result(). Memory stays
// bounded on any keyspace: the miner keeps at most `maxLiveNodes` tree nodes by turning
// the widest positions into wildcards (never into `(other)`), and the result keeps
// `maxPatterns`: the biggest by bytes plus, whatever their size, the patterns holding the
// most keys without TTL (a quarter of the slots), merging the rest into `(other)` — so a
// leak of small keys is never hidden there.
import type { BigKey, KeyPatternStat, KeyType, TtlHistogram } from '../../../contracts/index.ts';
import { keyPattern } from './key-pattern.ts';
import { DEFAULT_MINER_OPTIONS, PatternMiner } from './pattern-miner.ts';
import { TopN } from './top-n.ts';

export const OTHER_PATTERN = '(other)';

/** One key as the scan saw it. */
export interface InspectedKey {
  key: string;
  type: KeyType;
  /** MEMORY USAGE, bytes. */
  bytes: number;
  /** Element count (STRLEN for strings); 0 when the type has none. */
  length: number;
  /** PTTL: remaining ms, or -1 when the key has no TTL. */
  ttlMs: number;
  /** OBJECT FREQ (LFU counter), when read. */
  freq?: number;
}

export interface HotKeyCandidate {
  key: string;
  pattern: string;
  freq: number;
}

export interface AggregateResult {
  patterns: KeyPatternStat[];
  topKeysByBytes: BigKey[];
  topKeysByLength: BigKey[];
  /** Highest OBJECT FREQ first; empty when frequencies were not read. */
  hotKeys: HotKeyCandidate[];
  keys: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export function ttlBucket(ttlMs: number): keyof TtlHistogram {
  if (ttlMs < 0) return 'none';
  if (ttlMs < MINUTE_MS) return 'lt1m';
  if (ttlMs < HOUR_MS) return 'lt1h';
  if (ttlMs < DAY_MS) return 'lt1d';
  if (ttlMs < 7 * DAY_MS) return 'lt7d';
  return 'ge7d';
}

function emptyStat(pattern: string, type: KeyType, exampleKey: string): KeyPatternStat {
  return {
    pattern,
    type,
    keys: 0,
    bytes: 0,
    elements: 0,
    noTtl: 0,
    ttlHistogram: { none: 0, lt1m: 0, lt1h: 0, lt1d: 0, lt7d: 0, ge7d: 0 },
    maxBytes: 0,
    exampleKey,
  };
}

/** Adds `b` into `a` (same pattern or merged into `(other)`). */
function mergeInto(a: KeyPatternStat, b: KeyPatternStat): void {
  if (a.keys === 0) a.type = b.type;
  else if (a.type !== b.type) a.type = 'mixed';
  a.keys += b.keys;
  a.bytes += b.bytes;
  a.elements += b.elements;
  a.noTtl += b.noTtl;
  for (const k of Object.keys(a.ttlHistogram) as Array<keyof TtlHistogram>) a.ttlHistogram[k] += b.ttlHistogram[k];
  a.maxBytes = Math.max(a.maxBytes, b.maxBytes);
}

/** A key name as stored in a message: long names are cut (the contract allows 1,024 chars). */
function storedKey(key: string): string {
  return key.length <= 1024 ? key : `${key.slice(0, 1023)}…`;
}

/** Top-N entries before the scan is done: their pattern is looked up in result(). */
type RankedKey = Omit<BigKey, 'pattern'>;

export interface AggregatorOptions {
  topN: number;
  maxPatterns: number;
  /** Pattern-miner tree nodes kept while scanning (memory bound). */
  maxLiveNodes: number;
}

export class KeyspaceAggregator {
  private readonly miner: PatternMiner<KeyPatternStat>;
  /** Keys the miner could not place (only past twice maxLiveNodes: adversarial keys). */
  private readonly overflow = emptyStat(OTHER_PATTERN, 'mixed', '');
  private readonly byBytes: TopN<RankedKey>;
  private readonly byLength: TopN<RankedKey>;
  private readonly byFreq: TopN<{ key: string; freq: number }>;
  private keys = 0;

  constructor(private readonly opts: AggregatorOptions) {
    this.byBytes = new TopN(opts.topN);
    this.byLength = new TopN(opts.topN);
    this.byFreq = new TopN(opts.topN);
    this.miner = new PatternMiner<KeyPatternStat>(
      { create: (key) => emptyStat('', 'mixed', storedKey(key)), merge: mergeInto },
      { ...DEFAULT_MINER_OPTIONS, maxNodes: opts.maxLiveNodes },
    );
  }

  /** The miner's counters (tree shrinks, positions collapsed, overflow keys). */
  get minerStats(): PatternMiner<KeyPatternStat>['stats'] {
    return this.miner.stats;
  }

  add(k: InspectedKey): void {
    this.keys++;
    const stat = this.miner.leaf(k.key) ?? this.overflow;
    if (stat.keys === 0) stat.type = k.type;
    else if (stat.type !== k.type) stat.type = 'mixed';
    stat.keys++;
    stat.bytes += k.bytes;
    stat.elements += k.length;
    if (k.ttlMs < 0) stat.noTtl++;
    stat.ttlHistogram[ttlBucket(k.ttlMs)]++;
    if (k.bytes > stat.maxBytes) stat.maxBytes = k.bytes;
    // Build the entry only for keys that make it into a top list.
    if (k.bytes > this.byBytes.floor) this.byBytes.offer(k.bytes, rankedKey(k));
    if (k.length > this.byLength.floor) this.byLength.offer(k.length, rankedKey(k));
    if (k.freq !== undefined && k.freq > this.byFreq.floor)
      this.byFreq.offer(k.freq, { key: storedKey(k.key), freq: k.freq });
  }

  result(): AggregateResult {
    const all = this.miner.result().map(({ pattern, payload }) => ({ ...payload, pattern }));
    all.sort((a, b) => b.bytes - a.bytes || b.keys - a.keys || (a.pattern < b.pattern ? -1 : 1));
    const other = structuredClone(this.overflow);
    let patterns = all;
    if (other.keys > 0 || all.length > this.opts.maxPatterns) {
      const kept = keepPatterns(all, Math.max(0, this.opts.maxPatterns - 1));
      patterns = all.filter((p) => kept.has(p));
      for (const p of all) if (!kept.has(p)) mergeInto(other, p);
      other.exampleKey ||= all.find((p) => !kept.has(p))?.exampleKey ?? '';
    }
    if (other.keys > 0) patterns.push(other);
    const patternOf = (key: string) => this.miner.patternOf(key) ?? keyPattern(key);
    const withPattern = (k: RankedKey): BigKey => ({ ...k, pattern: patternOf(k.key) });
    return {
      patterns,
      topKeysByBytes: this.byBytes.sorted().map(withPattern),
      topKeysByLength: this.byLength.sorted().map(withPattern),
      hotKeys: this.byFreq.sorted().map((h) => ({ ...h, pattern: patternOf(h.key) })),
      keys: this.keys,
    };
  }
}

/**
 * Which of `all` (sorted by bytes) fit in `slots`: first the quarter of the slots with the
 * most keys without TTL — a leak of many small keys must not vanish into `(other)` behind
 * big caches — then the biggest by bytes.
 */
function keepPatterns(all: KeyPatternStat[], slots: number): Set<KeyPatternStat> {
  const kept = new Set<KeyPatternStat>();
  const noTtlFirst = all.filter((p) => p.noTtl > 0).sort((a, b) => b.noTtl - a.noTtl || b.bytes - a.bytes);
  for (const p of noTtlFirst.slice(0, Math.ceil(slots / 4))) kept.add(p);
  for (const p of all) {
    if (kept.size >= slots) break;
    kept.add(p);
  }
  return kept;
}

function rankedKey(k: InspectedKey): RankedKey {
  return {
    key: storedKey(k.key),
    type: k.type,
    bytes: k.bytes,
    length: k.length,
    ttlMs: k.ttlMs < 0 ? -1 : k.ttlMs,
  };
}
