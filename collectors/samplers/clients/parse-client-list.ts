// Parses CLIENT LIST (one line per connection, `key=value` fields separated by spaces) and
// reduces it to the summary the contract carries. Names cannot contain spaces (CLIENT
// SETNAME refuses them), so splitting on spaces is safe. Fields a server version lacks
// (`ssub` before 7.0, `tot-mem` before 5.0) count as 0.
import type { ClientGroup } from '../../../contracts/index.ts';

export interface ClientConn {
  addr: string;
  /** The address without its port; IPv6 without brackets. */
  host: string;
  name: string;
  ageS: number;
  idleS: number;
  flags: string;
  subscriptions: number;
  inMulti: boolean;
  qbufBytes: number;
  omemBytes: number;
  totMemBytes: number;
}

export function hostOf(addr: string): string {
  const i = addr.lastIndexOf(':');
  const host = i >= 0 ? addr.slice(0, i) : addr;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function parseClientList(reply: string): ClientConn[] {
  return reply
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((line) => {
      const f = new Map<string, string>();
      for (const part of line.split(' ')) {
        const eq = part.indexOf('=');
        if (eq > 0) f.set(part.slice(0, eq), part.slice(eq + 1));
      }
      const n = (k: string) => {
        const v = Number(f.get(k));
        return Number.isFinite(v) && v > 0 ? v : 0;
      };
      const addr = f.get('addr') ?? '';
      return {
        addr,
        host: hostOf(addr),
        name: f.get('name') ?? '',
        ageS: n('age'),
        idleS: n('idle'),
        flags: f.get('flags') ?? '',
        subscriptions: n('sub') + n('psub') + n('ssub'),
        inMulti: (f.get('multi') ?? '-1') !== '-1',
        qbufBytes: n('qbuf'),
        omemBytes: n('omem'),
        totMemBytes: n('tot-mem'),
      };
    });
}

export interface ClientSummary {
  total: number;
  replicas: number;
  masters: number;
  pubsub: number;
  blocked: number;
  inMulti: number;
  idleMaxS: number;
  idleThresholdS: number;
  idleOverThreshold: number;
  omemTotalBytes: number;
  omemMaxBytes: number;
  omemMaxName: string;
  omemMaxAddr: string;
  qbufTotalBytes: number;
  totMemTotalBytes: number;
  namesDistinct: number;
  hostsDistinct: number;
  byName: ClientGroup[];
  byHost: ClientGroup[];
}

function topGroups(
  conns: readonly ClientConn[],
  keyOf: (c: ClientConn) => string,
  topN: number,
): { groups: ClientGroup[]; distinct: number } {
  const groups = new Map<string, ClientGroup>();
  for (const c of conns) {
    const key = keyOf(c);
    const g = groups.get(key) ?? { key: key.slice(0, 512), count: 0, idleMaxS: 0, omemBytes: 0 };
    g.count++;
    g.idleMaxS = Math.max(g.idleMaxS, c.idleS);
    g.omemBytes += c.omemBytes;
    groups.set(key, g);
  }
  // Largest first; ties by key so the cut is stable from one sample to the next.
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { groups: sorted.slice(0, topN), distinct: groups.size };
}

export function summarizeClients(
  conns: readonly ClientConn[],
  opts: { idleThresholdS: number; topN: number },
): ClientSummary {
  let omemMax: ClientConn | undefined;
  const s = {
    total: conns.length,
    replicas: 0,
    masters: 0,
    pubsub: 0,
    blocked: 0,
    inMulti: 0,
    idleMaxS: 0,
    idleThresholdS: opts.idleThresholdS,
    idleOverThreshold: 0,
    omemTotalBytes: 0,
    qbufTotalBytes: 0,
    totMemTotalBytes: 0,
  };
  for (const c of conns) {
    // CLIENT LIST flags: S = a replica connected to us, M = our link to our master, b = blocked.
    if (c.flags.includes('S')) s.replicas++;
    if (c.flags.includes('M')) s.masters++;
    if (c.flags.includes('b')) s.blocked++;
    if (c.subscriptions > 0) s.pubsub++;
    if (c.inMulti) s.inMulti++;
    s.idleMaxS = Math.max(s.idleMaxS, c.idleS);
    if (c.idleS > opts.idleThresholdS) s.idleOverThreshold++;
    s.omemTotalBytes += c.omemBytes;
    s.qbufTotalBytes += c.qbufBytes;
    s.totMemTotalBytes += c.totMemBytes;
    if (c.omemBytes > (omemMax?.omemBytes ?? 0)) omemMax = c;
  }
  const byName = topGroups(conns, (c) => c.name, opts.topN);
  const byHost = topGroups(conns, (c) => c.host, opts.topN);
  return {
    ...s,
    omemMaxBytes: omemMax?.omemBytes ?? 0,
    omemMaxName: (omemMax?.name ?? '').slice(0, 512),
    omemMaxAddr: (omemMax?.addr ?? '').slice(0, 300),
    namesDistinct: byName.distinct,
    hostsDistinct: byHost.distinct,
    byName: byName.groups,
    byHost: byHost.groups,
  };
}
