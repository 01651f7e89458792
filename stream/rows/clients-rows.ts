// ClientsSampleV1 → one client_summaries row (clickhouse/migrations/0006_clients_config.sql).
import type { ClientGroup, ClientsSampleV1 } from '../../contracts/index.ts';
import { sourceColumns, type KafkaSource, type TableRows } from './source.ts';

const UINT32_MAX = 4_294_967_295;
const u32 = (n: number) => Math.min(n, UINT32_MAX);

function groupColumns(prefix: string, groups: readonly ClientGroup[]) {
  return {
    [`${prefix}_keys`]: groups.map((g) => g.key),
    [`${prefix}_counts`]: groups.map((g) => u32(g.count)),
    [`${prefix}_idle_max_s`]: groups.map((g) => u32(g.idleMaxS)),
    [`${prefix}_omem_bytes`]: groups.map((g) => g.omemBytes),
  };
}

export function clientsRows(m: ClientsSampleV1, src: KafkaSource): TableRows {
  const row = {
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
    ...groupColumns('by_name', m.byName),
    ...groupColumns('by_host', m.byHost),
    ...sourceColumns(src),
  };
  return new Map([['client_summaries', [row]]]);
}
