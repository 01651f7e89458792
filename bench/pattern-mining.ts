// The collector's cost of naming keys during a scan, in process (no server): the keyspace
// aggregator with its pattern miner against the same aggregation with each key judged
// alone (keyPattern + a Map: how patterns were made before the miner), on the scan
// benchmark's own key names and on a realistic keyspace of generated ids. Alternating
// runs, median per key; only the same-run ratio compares.
import { KeyspaceAggregator, type InspectedKey } from '../collectors/samplers/keyspace/aggregate.ts';
import { keyPattern } from '../collectors/samplers/keyspace/key-pattern.ts';
import { ID_STYLES, LEAK_STYLES, seededRandom } from '../collectors/samplers/keyspace/testing/id-corpus.ts';

const KEYS = 1_000_000;
const RUNS = 3;

function inspected(key: string, i: number): InspectedKey {
  return { key, type: 'string', bytes: 80 + (i % 50), length: 64, ttlMs: i % 3 === 0 ? 60_000 : -1 };
}

/** The scan benchmark's keys: DEBUG POPULATE's `key:N` and 20 `bighash:N`. */
function benchKeys(): InspectedKey[] {
  const out = Array.from({ length: KEYS }, (_, i) => inspected(`key:${i}`, i));
  for (let h = 1; h <= 20; h++) out.push(inspected(`bighash:${h}`, h));
  return out;
}

/** Families with ids of every common style (numbers, base36/62, hex, nanoid, UUID, ULID, …). */
function realisticKeys(): InspectedKey[] {
  const rnd = seededRandom(2026);
  const id = (s: keyof typeof ID_STYLES) => ID_STYLES[s](rnd);
  const leakId = () => id(LEAK_STYLES[Math.floor(rnd() * LEAK_STYLES.length)]!);
  const families: Array<() => string> = [
    () => `cart:${leakId()}:items`,
    () => `user:${id('numeric')}:profile`,
    () => `session:${id('uuid')}`,
    () => `sess:${id('nanoid')}`,
    () => `{user:${id('base36')}}:cart`,
    () => `img/${id('hex')}/thumb.jpg`,
    () => `queue/jobs/${id('ulid')}`,
    () => `email:${id('email')}:verified`,
    () => `stats:daily:2024-${1 + Math.floor(rnd() * 12)}-${1 + Math.floor(rnd() * 28)}`,
  ];
  return Array.from({ length: KEYS }, (_, i) => inspected(families[i % families.length]!(), i));
}

/** The aggregation with each key judged alone. */
function perKeyNs(keys: readonly InspectedKey[]): { nsPerKey: number; patterns: number } {
  const t = process.hrtime.bigint();
  const byPattern = new Map<string, { keys: number; bytes: number; noTtl: number }>();
  for (const k of keys) {
    const p = keyPattern(k.key);
    let s = byPattern.get(p);
    if (!s) {
      s = { keys: 0, bytes: 0, noTtl: 0 };
      byPattern.set(p, s);
    }
    s.keys++;
    s.bytes += k.bytes;
    if (k.ttlMs < 0) s.noTtl++;
  }
  return { nsPerKey: Number(process.hrtime.bigint() - t) / keys.length, patterns: byPattern.size };
}

function minedNs(keys: readonly InspectedKey[]): { nsPerKey: number; patterns: number } {
  const t = process.hrtime.bigint();
  const agg = new KeyspaceAggregator({ topN: 50, maxPatterns: 2000, maxLiveNodes: 50_000 });
  for (const k of keys) agg.add(k);
  const r = agg.result();
  return { nsPerKey: Number(process.hrtime.bigint() - t) / keys.length, patterns: r.patterns.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export interface MiningFigures {
  dataset: string;
  keys: number;
  perKeyNs: number;
  minedNs: number;
  ratio: number;
  perKeyPatterns: number;
  minedPatterns: number;
}

export function measureMining(): MiningFigures[] {
  const out: MiningFigures[] = [];
  for (const [dataset, make] of [
    ['scan benchmark keys (key:N)', benchKeys],
    ['realistic ids (9 families, 10 id styles)', realisticKeys],
  ] as const) {
    const keys = make();
    const per: number[] = [];
    const mined: number[] = [];
    let perPatterns = 0;
    let minedPatterns = 0;
    perKeyNs(keys.slice(0, 100_000)); // warm up both paths
    minedNs(keys.slice(0, 100_000));
    for (let r = 0; r < RUNS; r++) {
      const a = perKeyNs(keys);
      const b = minedNs(keys);
      per.push(a.nsPerKey);
      mined.push(b.nsPerKey);
      perPatterns = a.patterns;
      minedPatterns = b.patterns;
    }
    out.push({
      dataset,
      keys: keys.length,
      perKeyNs: round(median(per), 0),
      minedNs: round(median(mined), 0),
      ratio: round(median(mined) / median(per)),
      perKeyPatterns: perPatterns,
      minedPatterns,
    });
  }
  return out;
}
