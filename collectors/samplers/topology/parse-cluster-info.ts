// Parses CLUSTER INFO: `field:value` lines (CRLF-terminated), numbers where numeric.
// Only the fields the topology contract names are required; the rest are kept for callers.

export interface ClusterInfo {
  clusterState: string;
  slotsAssigned: number;
  slotsOk: number;
  slotsPfail: number;
  slotsFail: number;
  knownNodes: number;
  size: number;
  currentEpoch: number;
  myEpoch: number;
  /** Every field as Redis printed it. */
  raw: Record<string, string>;
}

export class ClusterInfoParseError extends Error {
  override name = 'ClusterInfoParseError';
}

export function parseClusterInfo(reply: string): ClusterInfo {
  const raw: Record<string, string> = {};
  for (const line of reply.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) raw[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  if (raw.cluster_state === undefined)
    throw new ClusterInfoParseError(`no cluster_state in CLUSTER INFO reply ${JSON.stringify(reply.slice(0, 200))}`);
  const n = (name: string) => {
    const v = Number(raw[name]);
    return Number.isFinite(v) && v >= 0 ? v : 0;
  };
  return {
    clusterState: raw.cluster_state,
    slotsAssigned: n('cluster_slots_assigned'),
    slotsOk: n('cluster_slots_ok'),
    slotsPfail: n('cluster_slots_pfail'),
    slotsFail: n('cluster_slots_fail'),
    knownNodes: n('cluster_known_nodes'),
    size: n('cluster_size'),
    currentEpoch: n('cluster_current_epoch'),
    myEpoch: n('cluster_my_epoch'),
    raw,
  };
}
