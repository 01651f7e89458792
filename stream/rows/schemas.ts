// Every raw table's row schema, by table name: what the rows builders beside it return, and
// what test/row-schemas.test.ts checks against the tables the migrations create.
import type { Static } from 'typebox';
import { ClientSummaryRow } from './clients-rows.ts';
import { ConfigAuditRow, ConfigFindingRow } from './config-audit-rows.ts';
import { HotKeyRow } from './hotkeys-rows.ts';
import { InfoSampleRow } from './info-rows.ts';
import { BigKeyRow, KeyPatternRow } from './keyspace-rows.ts';
import { LatencyEventRow, LatencyProbeRow } from './latency-rows.ts';
import { SlowlogRow } from './slowlog-rows.ts';
import { InstanceStatusRow } from './status-rows.ts';
import { TopologyChangeRow, TopologyNodeRow, TopologySampleRow } from './topology-rows.ts';

export const ROW_SCHEMAS = {
  info_samples: InfoSampleRow,
  instance_status: InstanceStatusRow,
  topology_samples: TopologySampleRow,
  topology_nodes: TopologyNodeRow,
  topology_changes: TopologyChangeRow,
  slowlog: SlowlogRow,
  latency_probes: LatencyProbeRow,
  latency_events: LatencyEventRow,
  client_summaries: ClientSummaryRow,
  config_audits: ConfigAuditRow,
  config_findings: ConfigFindingRow,
  key_patterns: KeyPatternRow,
  big_keys: BigKeyRow,
  hot_keys: HotKeyRow,
} as const;

/** A table the stream processor writes rows to. */
export type RawTable = keyof typeof ROW_SCHEMAS;
/** A row of `T`, as its rows builder returns it. */
export type RowOf<T extends RawTable> = Static<(typeof ROW_SCHEMAS)[T]>;
