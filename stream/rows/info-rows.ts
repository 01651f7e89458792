// InfoSampleV1 → one info_samples row (clickhouse/migrations/0001_info_samples.sql).
// Commands and errors travel as parallel arrays; ClickHouse fans them out into
// command_stats and error_stats by materialized views.
import type { InfoSampleV1 } from '../../contracts/index.ts';
import { sourceColumns, type KafkaSource, type TableRows } from './source.ts';

export function infoRows(m: InfoSampleV1, src: KafkaSource): TableRows {
  const metricNames = Object.keys(m.fields);
  const textNames = Object.keys(m.text);
  const c = m.commands;
  const row = {
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
    metric_values: metricNames.map((n) => m.fields[n]),
    text_names: textNames,
    text_values: textNames.map((n) => m.text[n]),
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
    error_names: m.errors.map((e) => e.error),
    error_counts: m.errors.map((e) => e.count),
    error_count_deltas: m.errors.map((e) => e.countDelta ?? 0),
    ...sourceColumns(src),
  };
  return new Map([['info_samples', [row]]]);
}
