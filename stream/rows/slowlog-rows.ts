// SlowlogSampleV1 → rows of slowlog, one per entry (clickhouse/migrations/0004_slowlog.sql).
import type { Static } from 'typebox';
import type { SlowlogSampleV1 } from '../../contracts/index.ts';
import { Column, rawRow } from './columns.ts';
import { sourceColumns, tableRows, type KafkaSource, type TableRows } from './source.ts';

const UINT32_MAX = 4_294_967_295;

export const SlowlogRow = rawRow({
  ts: Column.seconds(),
  sample_ts_ms: Column.u64(),
  cluster: Column.string(),
  instance: Column.string(),
  host: Column.string(),
  collector: Column.string(),
  run_id: Column.string(),
  entry_id: Column.u64(),
  duration_us: Column.u64(),
  command: Column.string(),
  args: Column.array(Column.string()),
  arg_count: Column.u32(),
  args_truncated: Column.flag(),
  client_addr: Column.string(),
  client_name: Column.string(),
  sample_missed: Column.u32(),
  sample_reset: Column.flag(),
});
export type SlowlogRow = Static<typeof SlowlogRow>;

export function slowlogRows(m: SlowlogSampleV1, src: KafkaSource): TableRows {
  const kafka = sourceColumns(src);
  const rows = m.entries.map(
    (e): SlowlogRow => ({
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
    }),
  );
  return tableRows({ slowlog: rows });
}
