// KeyspaceScanV1 → key_patterns rows (one per pattern) and big_keys rows (top-N by bytes
// and by length) (clickhouse/migrations/0007_keyspace.sql).
import type { Static } from 'typebox';
import type { BigKey, KeyspaceScanV1 } from '../../contracts/index.ts';
import { Column, rawRow } from './columns.ts';
import { sourceColumns, tableRows, type KafkaSource, type TableRows } from './source.ts';

const { string, u64 } = Column;
const scanned = { ts: Column.seconds(), ts_ms: u64(), cluster: string(), instance: string(), scanned_on: string() };

export const KeyPatternRow = rawRow({
  ...scanned,
  scanned_role: string(),
  collector: string(),
  pattern: string(),
  type: string(),
  keys: u64(),
  bytes: u64(),
  elements: u64(),
  no_ttl: u64(),
  ttl_none: u64(),
  ttl_lt1m: u64(),
  ttl_lt1h: u64(),
  ttl_lt1d: u64(),
  ttl_lt7d: u64(),
  ttl_ge7d: u64(),
  max_bytes: u64(),
  example_key: string(),
  scan_keys: u64(),
  scan_dbsize: u64(),
  scan_duration_ms: u64(),
  scan_paused_ms: u64(),
  scan_mode: string(),
});
export type KeyPatternRow = Static<typeof KeyPatternRow>;

export const BigKeyRow = rawRow({
  ...scanned,
  ranking: string(),
  rank: Column.u16(),
  key: string(),
  pattern: string(),
  type: string(),
  bytes: u64(),
  length: u64(),
  /** -1: no TTL. */
  ttl_ms: Column.i64(),
});
export type BigKeyRow = Static<typeof BigKeyRow>;

export function keyspaceRows(m: KeyspaceScanV1, src: KafkaSource): TableRows {
  const kafka = sourceColumns(src);
  const common = {
    ts: Math.floor(m.ts / 1000),
    ts_ms: m.ts,
    cluster: m.instance.cluster,
    instance: m.instance.id,
    scanned_on: m.scannedOn.id,
  };
  const s = m.stats;
  const patterns = m.patterns.map(
    (p): KeyPatternRow => ({
      ...common,
      scanned_role: m.scannedOn.role,
      collector: m.collector,
      pattern: p.pattern,
      type: p.type,
      keys: p.keys,
      bytes: p.bytes,
      elements: p.elements,
      no_ttl: p.noTtl,
      ttl_none: p.ttlHistogram.none,
      ttl_lt1m: p.ttlHistogram.lt1m,
      ttl_lt1h: p.ttlHistogram.lt1h,
      ttl_lt1d: p.ttlHistogram.lt1d,
      ttl_lt7d: p.ttlHistogram.lt7d,
      ttl_ge7d: p.ttlHistogram.ge7d,
      max_bytes: p.maxBytes,
      example_key: p.exampleKey,
      scan_keys: s.keysScanned,
      scan_dbsize: s.dbsizeAtStart,
      scan_duration_ms: s.durationMs,
      scan_paused_ms: s.pausedMs,
      scan_mode: s.mode,
      ...kafka,
    }),
  );
  const big = (ranking: 'bytes' | 'length', keys: BigKey[]) =>
    keys.map(
      (k, i): BigKeyRow => ({
        ...common,
        ranking,
        rank: i + 1,
        key: k.key,
        pattern: k.pattern,
        type: k.type,
        bytes: k.bytes,
        length: k.length,
        ttl_ms: k.ttlMs,
        ...kafka,
      }),
    );
  return tableRows({
    key_patterns: patterns,
    big_keys: [...big('bytes', m.topKeysByBytes), ...big('length', m.topKeysByLength)],
  });
}
