// InfoSampleV1 → rows of info_samples, command_stats and error_stats (see
// clickhouse/migrations/0001_info_samples.sql for the columns).
import type { InfoSampleV1 } from '../../contracts/index.ts';
import { sourceColumns, type KafkaSource, type TableRows } from './source.ts';

export function infoRows(m: InfoSampleV1, src: KafkaSource): TableRows {
  const common = { ts: Math.floor(m.ts / 1000), ts_ms: m.ts, cluster: m.instance.cluster, instance: m.instance.id };
  const kafka = sourceColumns(src);
  const metricNames = Object.keys(m.fields);
  const textNames = Object.keys(m.text);
  const sample = {
    ...common,
    host: m.instance.host,
    role: m.role,
    version: m.text.valkey_version ?? m.text.redis_version ?? '',
    collector: m.collector,
    duration_us: Math.min(Math.round(m.durationUs), 4_294_967_295),
    metric_names: metricNames,
    metric_values: metricNames.map((n) => m.fields[n]),
    text_names: textNames,
    text_values: textNames.map((n) => m.text[n]),
    ...kafka,
  };
  const commands = m.commands.map((c) => ({
    ...common,
    command: c.command,
    calls: c.calls,
    usec: c.usec,
    rejected_calls: c.rejectedCalls ?? 0,
    failed_calls: c.failedCalls ?? 0,
    calls_delta: c.callsDelta ?? 0,
    usec_delta: c.usecDelta ?? 0,
    interval_ms: m.intervalMs ?? 0,
    p50_us: c.p50Us ?? null,
    p99_us: c.p99Us ?? null,
    p999_us: c.p999Us ?? null,
    ...kafka,
  }));
  const errors = m.errors.map((e) => ({ ...common, error: e.error, count: e.count, count_delta: e.countDelta ?? 0, ...kafka }));
  return new Map<string, Record<string, unknown>[]>([
    ['info_samples', [sample]],
    ['command_stats', commands],
    ['error_stats', errors],
  ]);
}
