// HotKeysV1 → hot_keys rows: one per hot key (ranked within its metric) and one per hot
// slot (metric 'slot') (clickhouse/migrations/0007_keyspace.sql).
import type { Static } from 'typebox';
import type { HotKeysV1 } from '../../contracts/index.ts';
import { Column, rawRow } from './columns.ts';
import { sourceColumns, tableRows, type KafkaSource, type TableRows } from './source.ts';

const { string, u64 } = Column;

export const HotKeyRow = rawRow({
  ts: Column.seconds(),
  ts_ms: u64(),
  cluster: string(),
  instance: string(),
  observed_on: string(),
  method: string(),
  metric: string(),
  rank: Column.u16(),
  key: string(),
  pattern: string(),
  score: Column.float(),
  /** -1 on a key's row. */
  slot: Column.i32(),
  slot_keys: u64(),
  slot_cpu_us: u64(),
  slot_net_in_bytes: u64(),
  slot_net_out_bytes: u64(),
  window_ms: u64(),
});
export type HotKeyRow = Static<typeof HotKeyRow>;

export function hotkeysRows(m: HotKeysV1, src: KafkaSource): TableRows {
  const kafka = sourceColumns(src);
  const common = {
    ts: Math.floor(m.ts / 1000),
    ts_ms: m.ts,
    cluster: m.instance.cluster,
    instance: m.instance.id,
    observed_on: m.observedOn,
    method: m.method,
    window_ms: m.windowMs,
  };
  const noSlot = { slot: -1, slot_keys: 0, slot_cpu_us: 0, slot_net_in_bytes: 0, slot_net_out_bytes: 0 };
  const rankIn = new Map<string, number>();
  const keys = m.keys.map((k) => {
    const rank = (rankIn.get(k.metric) ?? 0) + 1;
    rankIn.set(k.metric, rank);
    const row: HotKeyRow = {
      ...common,
      metric: k.metric,
      rank,
      key: k.key,
      pattern: k.pattern,
      score: k.score,
      ...noSlot,
      ...kafka,
    };
    return row;
  });
  const slots = m.slots.map(
    (s, i): HotKeyRow => ({
      ...common,
      metric: 'slot',
      rank: i + 1,
      key: '',
      pattern: '',
      score: s.cpuUs ?? s.keyCount,
      slot: s.slot,
      slot_keys: s.keyCount,
      slot_cpu_us: s.cpuUs ?? 0,
      slot_net_in_bytes: s.networkBytesIn ?? 0,
      slot_net_out_bytes: s.networkBytesOut ?? 0,
      ...kafka,
    }),
  );
  return tableRows({ hot_keys: [...keys, ...slots] });
}
