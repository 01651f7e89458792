// What changed between two consecutive views of one observer: the raw material of the
// `topology_changes` table and of the failover detector. Pure; the sampler keeps the
// previous view per instance.
//
// Slot ownership is compared slot by slot (16384 entries, cheap) and reported as ranges,
// so "7003 took over 0-5460 from 7000" is one change however the ranges were split.
import type { TopologyChange, TopologyNode } from '../../../contracts/index.ts';

export interface TopologyView {
  clusterState: string;
  currentEpoch: number;
  nodes: readonly TopologyNode[];
}

const SLOTS = 16384;

const addr = (n: TopologyNode) => `${n.host}:${n.port}`;
const failingText = (n: TopologyNode) => n.failing ?? 'none';
/** Flags not already covered by role, failing and myself. */
const otherFlags = (n: TopologyNode) =>
  n.flags
    .filter((f) => !['master', 'slave', 'fail', 'fail?', 'myself'].includes(f))
    .sort()
    .join(',');
const migratingText = (n: TopologyNode) =>
  n.migrating
    .map((m) => `${m.slot}->${m.to}`)
    .sort()
    .join(' ');
const importingText = (n: TopologyNode) =>
  n.importing
    .map((m) => `${m.slot}-<${m.from}`)
    .sort()
    .join(' ');

function owners(nodes: readonly TopologyNode[]): string[] {
  const owner: string[] = new Array(SLOTS).fill('');
  for (const n of nodes) {
    if (n.role !== 'master') continue;
    for (const [a, b] of n.slots) for (let s = Math.max(0, a); s <= Math.min(SLOTS - 1, b); s++) owner[s] = n.id;
  }
  return owner;
}

function slotChanges(
  prev: readonly TopologyNode[],
  next: readonly TopologyNode[],
  byId: Map<string, TopologyNode>,
): TopologyChange[] {
  const before = owners(prev);
  const after = owners(next);
  const out: TopologyChange[] = [];
  let start = -1;
  for (let s = 0; s <= SLOTS; s++) {
    const differs = s < SLOTS && before[s] !== after[s];
    const continues = differs && start >= 0 && before[s] === before[start] && after[s] === after[start];
    if (start >= 0 && !continues) {
      const to = after[start]!;
      const n = byId.get(to);
      out.push({
        kind: 'slots',
        nodeId: to,
        addr: n ? addr(n) : '',
        from: before[start]!,
        to,
        slotStart: start,
        slotEnd: s - 1,
      });
      start = -1;
    }
    if (differs && start < 0) start = s;
  }
  return out;
}

export function diffTopology(prev: TopologyView, next: TopologyView): TopologyChange[] {
  const changes: TopologyChange[] = [];
  if (prev.clusterState !== next.clusterState)
    changes.push({ kind: 'cluster-state', nodeId: '', addr: '', from: prev.clusterState, to: next.clusterState });
  if (prev.currentEpoch !== next.currentEpoch)
    changes.push({
      kind: 'current-epoch',
      nodeId: '',
      addr: '',
      from: String(prev.currentEpoch),
      to: String(next.currentEpoch),
    });

  const before = new Map(prev.nodes.map((n) => [n.id, n]));
  const after = new Map(next.nodes.map((n) => [n.id, n]));
  for (const [id, n] of after) {
    const p = before.get(id);
    const c = (kind: TopologyChange['kind'], from: string, to: string) =>
      changes.push({ kind, nodeId: id, addr: addr(n), from, to });
    if (!p) {
      c('node-added', '', `${n.role}${n.masterId ? ` of ${n.masterId}` : ''}`);
      continue;
    }
    if (p.role !== n.role) c('role', p.role, n.role);
    if ((p.masterId ?? '') !== (n.masterId ?? '')) c('master', p.masterId ?? '', n.masterId ?? '');
    if (p.failing !== n.failing) c('failing', failingText(p), failingText(n));
    if (otherFlags(p) !== otherFlags(n)) c('flags', otherFlags(p), otherFlags(n));
    if (p.configEpoch !== n.configEpoch) c('config-epoch', String(p.configEpoch), String(n.configEpoch));
    if (p.linkState !== n.linkState) c('link', p.linkState, n.linkState);
    if (addr(p) !== addr(n) || p.busPort !== n.busPort)
      c('address', `${addr(p)}@${p.busPort}`, `${addr(n)}@${n.busPort}`);
    if (migratingText(p) !== migratingText(n)) c('migrating', migratingText(p), migratingText(n));
    if (importingText(p) !== importingText(n)) c('importing', importingText(p), importingText(n));
  }
  for (const [id, p] of before) {
    if (!after.has(id)) changes.push({ kind: 'node-removed', nodeId: id, addr: addr(p), from: p.role, to: '' });
  }
  changes.push(...slotChanges(prev.nodes, next.nodes, after));
  // Long slot lists (a big migration) are cut so one change stays within the contract.
  for (const ch of changes) {
    if (ch.from.length > 2048) ch.from = `${ch.from.slice(0, 2044)} …`;
    if (ch.to.length > 2048) ch.to = `${ch.to.slice(0, 2044)} …`;
  }
  return changes;
}
