import { describe, expect, it } from 'vitest';
import { buildPiece, type PieceRow, sumPieces } from './latency-pieces.ts';

/** A deterministic pseudo-random integer in [0, n). */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** Rows as ClickHouse returns them (UInt64 as strings, sparse bucket maps), some buckets absent. */
function randomRows(seed: number, start: number, bucketSec: number, buckets: number): PieceRow[] {
  const rand = rng(seed);
  const rows: PieceRow[] = [];
  for (let i = 0; i < buckets; i++) {
    if (rand(5) === 0) continue; // a bucket without data
    for (const command of ['get', 'set', 'hgetall', 'evalsha']) {
      if (rand(4) === 0) continue;
      const lo = rand(8);
      const keys = [lo, lo + 1 + rand(2), lo + 4 + rand(6)];
      const counts = keys.map(() => 1 + rand(1_000_000));
      const meanKeys = command === 'evalsha' && rand(2) === 0 ? [rand(20)] : [];
      rows.push({
        b: start + i * bucketSec,
        command,
        calls_total: String(counts.reduce((a, b) => a + b, 0) + rand(10)),
        usec_total: String(rand(1e9)),
        lat: [keys, counts.map(String)],
        means: [meanKeys, meanKeys.map(() => String(1 + rand(50)))],
      });
    }
  }
  return rows;
}

/** The same sums the slow way: every row in [from, to) added up. */
function naive(rows: readonly PieceRow[], from: number, to: number) {
  const out = new Map<string, { calls: number; usec: number; lat: Map<number, number>; means: Map<number, number> }>();
  for (const r of rows) {
    if (r.b < from || r.b >= to) continue;
    const s = out.get(r.command) ?? { calls: 0, usec: 0, lat: new Map(), means: new Map() };
    out.set(r.command, s);
    s.calls += Number(r.calls_total);
    s.usec += Number(r.usec_total);
    r.lat[0].forEach((k, j) => {
      s.lat.set(Number(k), (s.lat.get(Number(k)) ?? 0) + Number(r.lat[1][j]));
    });
    r.means[0].forEach((k, j) => {
      s.means.set(Number(k), (s.means.get(Number(k)) ?? 0) + Number(r.means[1][j]));
    });
  }
  return out;
}

const sorted = (m: Map<number, number>) => [...m].sort((a, b) => a[0] - b[0]);

describe('latency pieces', () => {
  it('the sum over any span of whole buckets inside pieces equals adding up their rows', () => {
    const rand = rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const day = 1_700_000_000 - (1_700_000_000 % 86400);
      const a = randomRows(trial * 2, day, 3600, 24);
      const b = randomRows(trial * 2 + 1, day + 86400, 3600, 24);
      const from = day + rand(30) * 3600;
      const to = Math.max(from, day + (18 + rand(31)) * 3600);
      const got = sumPieces([
        { piece: buildPiece(a), fromSec: from, toSec: Math.min(to, day + 86400), bucketSec: 3600 },
        { piece: buildPiece(b), fromSec: Math.max(from, day + 86400), toSec: to, bucketSec: 3600 },
      ]);
      const want = naive([...a, ...b], from, to);
      expect([...got.byCommand.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [command, w] of want) {
        const g = got.byCommand.get(command)!;
        expect([g.calls, g.usec], command).toEqual([w.calls, w.usec]);
        expect(sorted(g.lat), command).toEqual(sorted(w.lat));
        expect(sorted(g.means), command).toEqual(sorted(w.means));
      }
      const inRange = [...a, ...b].filter((r) => r.b >= from && r.b < to).map((r) => r.b);
      expect(got.firstSec).toBe(inRange.length > 0 ? Math.min(...inRange) : Number.POSITIVE_INFINITY);
      expect(got.endSec).toBe(inRange.length > 0 ? Math.max(...inRange) + 3600 : Number.NEGATIVE_INFINITY);
    }
  });

  it('counts beyond 2^32 (an hour of a busy cluster) add up exactly', () => {
    const big = 9_000_000_000_123;
    const rows: PieceRow[] = [0, 1, 2].map((i) => ({
      b: i * 60,
      command: 'get',
      calls_total: String(big + i),
      usec_total: String(big),
      lat: [[3], [String(big + i)]],
      means: [[], []],
    }));
    const got = sumPieces([{ piece: buildPiece(rows), fromSec: 60, toSec: 180, bucketSec: 60 }]).byCommand.get('get')!;
    expect(got.calls).toBe(2 * big + 3);
    expect(got.lat.get(3)).toBe(2 * big + 3);
  });

  it('an empty piece or a span between buckets sums to nothing', () => {
    const rows = randomRows(3, 0, 60, 60);
    expect(sumPieces([{ piece: buildPiece([]), fromSec: 0, toSec: 3600, bucketSec: 60 }]).byCommand.size).toBe(0);
    expect(sumPieces([{ piece: buildPiece(rows), fromSec: 61, toSec: 119, bucketSec: 60 }]).byCommand.size).toBe(0);
  });
});
