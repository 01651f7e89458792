// LatencySampleV1 → one latency_probes row and one latency_events row per spike
// (clickhouse/migrations/0005_latency.sql).
import type { Static } from 'typebox';
import type { LatencySampleV1 } from '../../contracts/index.ts';
import { Column, rawRow } from './columns.ts';
import { sourceColumns, tableRows, type KafkaSource, type TableRows } from './source.ts';

const UINT32_MAX = 4_294_967_295;
const u32 = (n: number) => Math.min(Math.round(n), UINT32_MAX);
const { string, float } = Column;

export const LatencyProbeRow = rawRow({
  ts: Column.seconds(),
  ts_ms: Column.u64(),
  cluster: string(),
  instance: string(),
  collector: string(),
  pings_answered: Column.u32(),
  pings_failed: Column.u32(),
  min_us: float(),
  max_us: float(),
  mean_us: float(),
  p50_us: float(),
  p90_us: float(),
  p99_us: float(),
  p999_us: float(),
  bucket_le_us: Column.array(Column.u32()),
  bucket_counts: Column.array(Column.u32()),
});
export type LatencyProbeRow = Static<typeof LatencyProbeRow>;

export const LatencyEventRow = rawRow({
  ts: Column.seconds(),
  sample_ts_ms: Column.u64(),
  cluster: string(),
  instance: string(),
  event: string(),
  latency_ms: Column.u32(),
});
export type LatencyEventRow = Static<typeof LatencyEventRow>;

export function latencyRows(m: LatencySampleV1, src: KafkaSource): TableRows {
  const kafka = sourceColumns(src);
  const p = m.probe;
  const probe: LatencyProbeRow = {
    ts: Math.floor(m.ts / 1000),
    ts_ms: m.ts,
    cluster: m.instance.cluster,
    instance: m.instance.id,
    collector: m.collector,
    pings_answered: u32(p.count),
    pings_failed: u32(p.failed),
    min_us: p.minUs,
    max_us: p.maxUs,
    mean_us: p.meanUs,
    p50_us: p.p50Us,
    p90_us: p.p90Us,
    p99_us: p.p99Us,
    p999_us: p.p999Us,
    bucket_le_us: p.buckets.map((b) => u32(b.leUs)),
    bucket_counts: p.buckets.map((b) => u32(b.count)),
    ...kafka,
  };
  const events = m.events.map(
    (e): LatencyEventRow => ({
      ts: e.atS,
      sample_ts_ms: m.ts,
      cluster: m.instance.cluster,
      instance: m.instance.id,
      event: e.event,
      latency_ms: u32(e.latencyMs),
      ...kafka,
    }),
  );
  return tableRows({ latency_probes: [probe], latency_events: events });
}
