// Folds inspected keys into what a KeyspaceScanV1 carries: per-pattern totals with a TTL
// histogram, and the top-N keys by bytes, by element count and (under an LFU policy) by
// access frequency. Memory stays bounded on any keyspace: at most `maxLivePatterns`
// patterns are tracked while scanning (later new patterns count under `(other)`), and the
// result keeps the `maxPatterns` biggest by bytes, merging the rest into `(other)`.
import type { BigKey, KeyPatternStat, KeyType, TtlHistogram } from '../../../contracts/index.ts';
import { keyPattern } from './key-pattern.ts';
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

export class KeyspaceAggregator {
  private readonly byPattern = new Map<string, KeyPatternStat>();
  private readonly other = emptyStat(OTHER_PATTERN, 'mixed', '');
  private readonly byBytes: TopN<BigKey>;
  private readonly byLength: TopN<BigKey>;
  private readonly byFreq: TopN<HotKeyCandidate>;
  private keys = 0;

  constructor(private readonly opts: { topN: number; maxPatterns: number; maxLivePatterns: number }) {
    this.byBytes = new TopN(opts.topN);
    this.byLength = new TopN(opts.topN);
    this.byFreq = new TopN(opts.topN);
  }

  add(k: InspectedKey): void {
    this.keys++;
    const pattern = keyPattern(k.key);
    let stat = this.byPattern.get(pattern);
    if (!stat) {
      if (this.byPattern.size < this.opts.maxLivePatterns) {
        stat = emptyStat(pattern, k.type, storedKey(k.key));
        this.byPattern.set(pattern, stat);
      } else stat = this.other;
    }
    if (stat.keys === 0) stat.type = k.type;
    else if (stat.type !== k.type) stat.type = 'mixed';
    stat.keys++;
    stat.bytes += k.bytes;
    stat.elements += k.length;
    if (k.ttlMs < 0) stat.noTtl++;
    stat.ttlHistogram[ttlBucket(k.ttlMs)]++;
    if (k.bytes > stat.maxBytes) stat.maxBytes = k.bytes;
    // Build the BigKey object only for keys that make it into a top list.
    if (k.bytes > this.byBytes.floor) this.byBytes.offer(k.bytes, bigKey(k, pattern));
    if (k.length > this.byLength.floor) this.byLength.offer(k.length, bigKey(k, pattern));
    if (k.freq !== undefined && k.freq > this.byFreq.floor)
      this.byFreq.offer(k.freq, { key: storedKey(k.key), pattern, freq: k.freq });
  }

  result(): AggregateResult {
    const all = [...this.byPattern.values()].sort(
      (a, b) => b.bytes - a.bytes || b.keys - a.keys || (a.pattern < b.pattern ? -1 : 1),
    );
    const keep = this.other.keys > 0 || all.length > this.opts.maxPatterns ? this.opts.maxPatterns - 1 : all.length;
    const patterns = all.slice(0, keep).map((p) => structuredClone(p));
    const other = structuredClone(this.other);
    for (const p of all.slice(keep)) mergeInto(other, p);
    if (other.keys > 0) {
      other.exampleKey = other.exampleKey || all[keep]?.exampleKey || '';
      patterns.push(other);
    }
    return {
      patterns,
      topKeysByBytes: this.byBytes.sorted(),
      topKeysByLength: this.byLength.sorted(),
      hotKeys: this.byFreq.sorted(),
      keys: this.keys,
    };
  }
}

function bigKey(k: InspectedKey, pattern: string): BigKey {
  return {
    key: storedKey(k.key),
    pattern,
    type: k.type,
    bytes: k.bytes,
    length: k.length,
    ttlMs: k.ttlMs < 0 ? -1 : k.ttlMs,
  };
}
