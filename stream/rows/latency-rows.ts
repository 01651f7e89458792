// LatencySampleV1 → one latency_probes row and one latency_events row per spike
// (clickhouse/migrations/0005_latency.sql).
import type { LatencySampleV1 } from '../../contracts/index.ts';
import { sourceColumns, type KafkaSource, type TableRows } from './source.ts';

const UINT32_MAX = 4_294_967_295;
const u32 = (n: number) => Math.min(Math.round(n), UINT32_MAX);

export function latencyRows(m: LatencySampleV1, src: KafkaSource): TableRows {
  const kafka = sourceColumns(src);
  const p = m.probe;
  const probe = {
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
  const events = m.events.map((e) => ({
    ts: e.atS,
    sample_ts_ms: m.ts,
    cluster: m.instance.cluster,
    instance: m.instance.id,
    event: e.event,
    latency_ms: u32(e.latencyMs),
    ...kafka,
  }));
  return new Map<string, Record<string, unknown>[]>([
    ['latency_probes', [probe]],
    ['latency_events', events],
  ]);
}
