// SlowlogSampleV1 → rows of slowlog, one per entry (clickhouse/migrations/0004_slowlog.sql).
import type { SlowlogSampleV1 } from '../../contracts/index.ts';
import { sourceColumns, type KafkaSource, type TableRows } from './source.ts';

const UINT32_MAX = 4_294_967_295;

export function slowlogRows(m: SlowlogSampleV1, src: KafkaSource): TableRows {
  const kafka = sourceColumns(src);
  const rows = m.entries.map((e) => ({
    ts: e.loggedAtS,
    sample_ts_ms: m.ts,
    cluster: m.instance.cluster,
    instance: m.instance.id,
    host: m.instance.host,
    collector: m.collector,
    run_id: m.runId,
    entry_id: e.id,
    duration_us: e.durationUs,
    command: e.command,
    args: e.args,
    arg_count: Math.min(e.argCount, UINT32_MAX),
    args_truncated: e.argsTruncated ? 1 : 0,
    client_addr: e.clientAddr,
    client_name: e.clientName,
    sample_missed: Math.min(m.missed, UINT32_MAX),
    sample_reset: m.reset ? 1 : 0,
    ...kafka,
  }));
  return new Map([['slowlog', rows]]);
}
