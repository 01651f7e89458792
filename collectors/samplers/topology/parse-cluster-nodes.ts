// Parses the reply of CLUSTER NODES (Redis ≥ 4; `ip:port@cport[,hostname]` since 7.0).
// One line per node:
//   <id> <ip:port@cport[,hostname]> <flags> <master-id|-> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot> <slot> …
// Slots are single numbers, ranges `a-b`, or migration markers `[slot->-node]` / `[slot-<-node]`.

export interface ClusterNode {
  id: string;
  host: string;
  port: number;
  busPort: number;
  hostname?: string;
  flags: string[];
  /** Master's node id, for a replica. */
  masterId?: string;
  pingSentMs: number;
  pongRecvMs: number;
  configEpoch: number;
  linkState: 'connected' | 'disconnected';
  /** Owned slot ranges, inclusive. */
  slots: Array<[number, number]>;
  migrating: Array<{ slot: number; to: string }>;
  importing: Array<{ slot: number; from: string }>;
  role: 'master' | 'replica' | 'unknown';
  myself: boolean;
  failing: 'fail' | 'pfail' | null;
}

export class ClusterNodesParseError extends Error {
  override name = 'ClusterNodesParseError';
}

function parseAddress(field: string): { host: string; port: number; busPort: number; hostname?: string } {
  const [addr = '', hostname] = field.split(',');
  const at = addr.indexOf('@');
  const hostPort = at >= 0 ? addr.slice(0, at) : addr;
  const colon = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, colon);
  const port = Number(hostPort.slice(colon + 1));
  const busPort = at >= 0 ? Number(addr.slice(at + 1)) : port + 10000;
  if (colon < 0 || !Number.isInteger(port) || !Number.isInteger(busPort))
    throw new ClusterNodesParseError(`bad address ${JSON.stringify(field)}`);
  return hostname ? { host, port, busPort, hostname } : { host, port, busPort };
}

export function parseClusterNodeLine(line: string): ClusterNode {
  const parts = line.trim().split(' ');
  if (parts.length < 8)
    throw new ClusterNodesParseError(
      `expected at least 8 fields, got ${parts.length}: ${JSON.stringify(line.slice(0, 200))}`,
    );
  const [id, address, flagField, master, pingSent, pongRecv, epoch, link, ...slotFields] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    ...string[],
  ];
  const flags = flagField.split(',');
  const node: ClusterNode = {
    id,
    ...parseAddress(address),
    flags,
    pingSentMs: Number(pingSent) || 0,
    pongRecvMs: Number(pongRecv) || 0,
    configEpoch: Number(epoch) || 0,
    linkState: link === 'connected' ? 'connected' : 'disconnected',
    slots: [],
    migrating: [],
    importing: [],
    role: flags.includes('master') ? 'master' : flags.includes('slave') ? 'replica' : 'unknown',
    myself: flags.includes('myself'),
    failing: flags.includes('fail') ? 'fail' : flags.includes('fail?') ? 'pfail' : null,
  };
  if (master !== '-') node.masterId = master;
  for (const s of slotFields) {
    if (s === '') continue;
    const migrating = /^\[(\d+)->-([0-9a-f]+)\]$/.exec(s);
    const importing = /^\[(\d+)-<-([0-9a-f]+)\]$/.exec(s);
    if (migrating) node.migrating.push({ slot: Number(migrating[1]), to: migrating[2]! });
    else if (importing) node.importing.push({ slot: Number(importing[1]), from: importing[2]! });
    else {
      const [a, b] = s.split('-').map(Number);
      if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b)))
        throw new ClusterNodesParseError(`bad slot field ${JSON.stringify(s)}`);
      node.slots.push([a!, b ?? a!]);
    }
  }
  return node;
}

export function parseClusterNodes(reply: string): ClusterNode[] {
  return reply
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(parseClusterNodeLine);
}
