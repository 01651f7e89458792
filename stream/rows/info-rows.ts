// InfoSampleV1 → one info_samples row (clickhouse/migrations/0001_info_samples.sql).
// Commands and errors travel as parallel arrays; ClickHouse fans them out into
// command_stats and error_stats by materialized views.
import type { Static } from 'typebox';
import { bucketOf, type CommandStat, type InfoSampleV1 } from '../../contracts/index.ts';
import { Column, rawRow } from './columns.ts';
import { sourceColumns, tableRows, type KafkaSource, type TableRows } from './source.ts';

const { string, array, u64 } = Column;

export const InfoSampleRow = rawRow({
  ts: Column.seconds(),
  ts_ms: u64(),
  cluster: string(),
  instance: string(),
  host: string(),
  role: string(),
  version: string(),
  collector: string(),
  duration_us: Column.u32(),
  interval_ms: Column.u32(),
  metric_names: array(string()),
  metric_values: array(Column.float()),
  text_names: array(string()),
  text_values: array(string()),
  command_names: array(string()),
  command_calls: array(u64()),
  command_usec: array(u64()),
  command_rejected_calls: array(u64()),
  command_failed_calls: array(u64()),
  command_calls_delta: array(u64()),
  command_usec_delta: array(u64()),
  command_p50_us: array(Column.nullable(Column.float())),
  command_p99_us: array(Column.nullable(Column.float())),
  command_p999_us: array(Column.nullable(Column.float())),
  /** Per command, the latency buckets with calls (0030_per_call_latency.sql). */
  command_latency_le: array(array(Column.u8())),
  command_latency_n: array(array(u64())),
  command_mean_bucket: array(Column.u8()),
  latency_histogram: string(),
  error_names: array(string()),
  error_counts: array(u64()),
  error_count_deltas: array(u64()),
});
export type InfoSampleRow = Static<typeof InfoSampleRow>;

/** command_mean_bucket for "no mean to count" (0030_per_call_latency.sql). */
const NO_MEAN_BUCKET = 255;

/** Dense per-bucket calls → the sparse (bucket numbers, calls) pair the Nested maps take. */
function sparseBuckets(c: CommandStat): [number[], number[]] {
  const le: number[] = [];
  const n: number[] = [];
  const b = c.latencyBuckets;
  if (b)
    for (let k = 0; k < b.length; k++)
      if (b[k]! > 0) {
        le.push(k);
        n.push(b[k]!);
      }
  return [le, n];
}

export function infoRows(m: InfoSampleV1, src: KafkaSource): TableRows {
  const metricNames = Object.keys(m.fields);
  const textNames = Object.keys(m.text);
  const c = m.commands;
  const buckets = c.map(sparseBuckets);
  // Without per-call histograms, the sample's mean latency per command goes to the fallback.
  const meanFallback = m.latencyHistogram !== 'ok';
  const row: InfoSampleRow = {
    ts: Math.floor(m.ts / 1000),
    ts_ms: m.ts,
    cluster: m.instance.cluster,
    instance: m.instance.id,
    host: m.instance.host,
    role: m.role,
    version: m.text.valkey_version ?? m.text.redis_version ?? '',
    collector: m.collector,
    duration_us: Math.min(Math.round(m.durationUs), 4_294_967_295),
    interval_ms: Math.min(Math.round(m.intervalMs ?? 0), 4_294_967_295),
    metric_names: metricNames,
    metric_values: Object.values(m.fields), // same order as Object.keys
    text_names: textNames,
    text_values: Object.values(m.text),
    command_names: c.map((x) => x.command),
    command_calls: c.map((x) => x.calls),
    command_usec: c.map((x) => x.usec),
    command_rejected_calls: c.map((x) => x.rejectedCalls ?? 0),
    command_failed_calls: c.map((x) => x.failedCalls ?? 0),
    command_calls_delta: c.map((x) => x.callsDelta ?? 0),
    command_usec_delta: c.map((x) => x.usecDelta ?? 0),
    command_p50_us: c.map((x) => x.p50Us ?? null),
    command_p99_us: c.map((x) => x.p99Us ?? null),
    command_p999_us: c.map((x) => x.p999Us ?? null),
    command_latency_le: buckets.map((b) => b[0]),
    command_latency_n: buckets.map((b) => b[1]),
    command_mean_bucket: c.map((x) =>
      meanFallback && x.callsDelta && x.usecDelta !== undefined ? bucketOf(x.usecDelta / x.callsDelta) : NO_MEAN_BUCKET,
    ),
    latency_histogram: m.latencyHistogram ?? '',
    error_names: m.errors.map((e) => e.error),
    error_counts: m.errors.map((e) => e.count),
    error_count_deltas: m.errors.map((e) => e.countDelta ?? 0),
    ...sourceColumns(src),
  };
  return tableRows({ info_samples: [row] });
}
