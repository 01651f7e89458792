// InstanceStatusV1 → instance_status (migrations/0010_instance_status.sql).
import type { Static } from 'typebox';
import type { InstanceStatusV1 } from '../../contracts/index.ts';
import { Column, rawRow } from './columns.ts';
import { sourceColumns, tableRows, type KafkaSource, type TableRows } from './source.ts';

export const InstanceStatusRow = rawRow({
  ts: Column.seconds(),
  ts_ms: Column.u64(),
  cluster: Column.string(),
  instance: Column.string(),
  collector: Column.string(),
  reachable: Column.flag(),
  error: Column.string(),
  since_ms: Column.u64(),
});
export type InstanceStatusRow = Static<typeof InstanceStatusRow>;

export function statusRows(m: InstanceStatusV1, src: KafkaSource): TableRows {
  const row: InstanceStatusRow = {
    ts: Math.floor(m.ts / 1000),
    ts_ms: m.ts,
    cluster: m.instance.cluster,
    instance: m.instance.id,
    collector: m.collector,
    reachable: m.reachable ? 1 : 0,
    error: m.error ?? '',
    since_ms: m.since,
    ...sourceColumns(src),
  };
  return tableRows({ instance_status: [row] });
}
