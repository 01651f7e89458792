// ClientsSampleV1 → one client_summaries row (clickhouse/migrations/0006_clients_config.sql).
import type { Static } from 'typebox';
import type { ClientGroup, ClientsSampleV1 } from '../../contracts/index.ts';
import { Column, rawRow } from './columns.ts';
import { sourceColumns, tableRows, type KafkaSource, type TableRows } from './source.ts';

const UINT32_MAX = 4_294_967_295;
const u32 = (n: number) => Math.min(n, UINT32_MAX);
const { string, array } = Column;

export const ClientSummaryRow = rawRow({
  ts: Column.seconds(),
  ts_ms: Column.u64(),
  cluster: string(),
  instance: string(),
  collector: string(),
  total: Column.u32(),
  replicas: Column.u32(),
  masters: Column.u32(),
  pubsub: Column.u32(),
  blocked: Column.u32(),
  in_multi: Column.u32(),
  idle_max_s: Column.u32(),
  idle_threshold_s: Column.u32(),
  idle_over_threshold: Column.u32(),
  omem_total_bytes: Column.u64(),
  omem_max_bytes: Column.u64(),
  omem_max_name: string(),
  omem_max_addr: string(),
  qbuf_total_bytes: Column.u64(),
  tot_mem_total_bytes: Column.u64(),
  names_distinct: Column.u32(),
  hosts_distinct: Column.u32(),
  by_name_keys: array(string()),
  by_name_counts: array(Column.u32()),
  by_name_idle_max_s: array(Column.u32()),
  by_name_omem_bytes: array(Column.u64()),
  by_host_keys: array(string()),
  by_host_counts: array(Column.u32()),
  by_host_idle_max_s: array(Column.u32()),
  by_host_omem_bytes: array(Column.u64()),
});
export type ClientSummaryRow = Static<typeof ClientSummaryRow>;

/** A group list as the parallel arrays of its by_* columns. */
function groupColumns(groups: readonly ClientGroup[]) {
  return {
    keys: groups.map((g) => g.key),
    counts: groups.map((g) => u32(g.count)),
    idleMaxS: groups.map((g) => u32(g.idleMaxS)),
    omemBytes: groups.map((g) => g.omemBytes),
  };
}

export function clientsRows(m: ClientsSampleV1, src: KafkaSource): TableRows {
  const byName = groupColumns(m.byName);
  const byHost = groupColumns(m.byHost);
  const row: ClientSummaryRow = {
    ts: Math.floor(m.ts / 1000),
    ts_ms: m.ts,
    cluster: m.instance.cluster,
    instance: m.instance.id,
    collector: m.collector,
    total: u32(m.total),
    replicas: u32(m.replicas),
    masters: u32(m.masters),
    pubsub: u32(m.pubsub),
    blocked: u32(m.blocked),
    in_multi: u32(m.inMulti),
    idle_max_s: u32(m.idleMaxS),
    idle_threshold_s: u32(m.idleThresholdS),
    idle_over_threshold: u32(m.idleOverThreshold),
    omem_total_bytes: m.omemTotalBytes,
    omem_max_bytes: m.omemMaxBytes,
    omem_max_name: m.omemMaxName,
    omem_max_addr: m.omemMaxAddr,
    qbuf_total_bytes: m.qbufTotalBytes,
    tot_mem_total_bytes: m.totMemTotalBytes,
    names_distinct: u32(m.namesDistinct),
    hosts_distinct: u32(m.hostsDistinct),
    by_name_keys: byName.keys,
    by_name_counts: byName.counts,
    by_name_idle_max_s: byName.idleMaxS,
    by_name_omem_bytes: byName.omemBytes,
    by_host_keys: byHost.keys,
    by_host_counts: byHost.counts,
    by_host_idle_max_s: byHost.idleMaxS,
    by_host_omem_bytes: byHost.omemBytes,
    ...sourceColumns(src),
  };
  return tableRows({ client_summaries: [row] });
}
