// InstanceStatusV1 → instance_status (migrations/0010_instance_status.sql).
import type { InstanceStatusV1 } from '../../contracts/index.ts';
import { sourceColumns, type KafkaSource, type TableRows } from './source.ts';

export function statusRows(m: InstanceStatusV1, src: KafkaSource): TableRows {
  return new Map([
    [
      'instance_status',
      [
        {
          ts: Math.floor(m.ts / 1000),
          ts_ms: m.ts,
          cluster: m.instance.cluster,
          instance: m.instance.id,
          collector: m.collector,
          reachable: m.reachable ? 1 : 0,
          error: m.error ?? '',
          since_ms: m.since,
          ...sourceColumns(src),
        },
      ],
    ],
  ]);
}
