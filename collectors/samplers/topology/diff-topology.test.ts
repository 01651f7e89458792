import { describe, expect, it } from 'vitest';
import { diffTopology, type TopologyView } from './diff-topology.ts';
import { parseClusterNodes } from './parse-cluster-nodes.ts';
import { toTopologyNode, viewHash } from './view.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const D = 'd'.repeat(40);

function view(lines: string[], clusterState = 'ok', currentEpoch = 3): TopologyView {
  return {
    clusterState,
    currentEpoch,
    nodes: parseClusterNodes(lines.join('\n')).map((n) => toTopologyNode(n, undefined)),
  };
}

const healthy = [
  `${A} 10.0.0.1:7000@17000 myself,master - 0 1700000000000 1 connected 0-8191`,
  `${B} 10.0.0.2:7001@17001 master - 0 1700000000000 2 connected 8192-16383`,
  `${C} 10.0.0.3:7002@17002 slave ${A} 0 1700000000000 1 connected`,
  `${D} 10.0.0.4:7003@17003 slave ${B} 0 1700000000000 2 connected`,
];

describe('diffTopology', () => {
  it('finds nothing between equal views, and their hashes match whatever the node order or ping times', () => {
    const a = view(healthy);
    const b = view([...healthy].reverse().map((l) => l.replace('1700000000000', '1700000009999')));
    expect(diffTopology(a, b)).toEqual([]);
    expect(viewHash(a.nodes, 'ok', 3)).toBe(viewHash(b.nodes, 'ok', 3));
  });

  it('reports a master suspected, then failed', () => {
    const pfail = view(
      healthy.map((l) => l.replace(`${B} 10.0.0.2:7001@17001 master`, `${B} 10.0.0.2:7001@17001 master,fail?`)),
    );
    const fail = view(
      healthy.map((l) =>
        l.replace(
          `${B} 10.0.0.2:7001@17001 master - 0 1700000000000 2 connected`,
          `${B} 10.0.0.2:7001@17001 master,fail - 1700000000000 1700000000000 2 disconnected`,
        ),
      ),
      'fail',
    );
    expect(diffTopology(view(healthy), pfail)).toEqual([
      { kind: 'failing', nodeId: B, addr: '10.0.0.2:7001', from: 'none', to: 'pfail' },
    ]);
    expect(diffTopology(pfail, fail)).toEqual(
      expect.arrayContaining([
        { kind: 'cluster-state', nodeId: '', addr: '', from: 'ok', to: 'fail' },
        { kind: 'failing', nodeId: B, addr: '10.0.0.2:7001', from: 'pfail', to: 'fail' },
        { kind: 'link', nodeId: B, addr: '10.0.0.2:7001', from: 'connected', to: 'disconnected' },
      ]),
    );
    expect(viewHash(pfail.nodes, 'ok', 3)).not.toBe(viewHash(view(healthy).nodes, 'ok', 3));
  });

  it('records a failover: replica promoted, slots moved, epochs bumped, old master demoted', () => {
    const after = view(
      [
        `${A} 10.0.0.1:7000@17000 myself,master - 0 1700000000000 1 connected 0-8191`,
        `${B} 10.0.0.2:7001@17001 slave ${D} 0 1700000000000 4 connected`,
        `${C} 10.0.0.3:7002@17002 slave ${A} 0 1700000000000 1 connected`,
        `${D} 10.0.0.4:7003@17003 master - 0 1700000000000 4 connected 8192-16383`,
      ],
      'ok',
      4,
    );
    const changes = diffTopology(view(healthy), after);
    expect(changes).toEqual(
      expect.arrayContaining([
        { kind: 'current-epoch', nodeId: '', addr: '', from: '3', to: '4' },
        { kind: 'role', nodeId: D, addr: '10.0.0.4:7003', from: 'replica', to: 'master' },
        { kind: 'master', nodeId: D, addr: '10.0.0.4:7003', from: B, to: '' },
        { kind: 'config-epoch', nodeId: D, addr: '10.0.0.4:7003', from: '2', to: '4' },
        { kind: 'role', nodeId: B, addr: '10.0.0.2:7001', from: 'master', to: 'replica' },
        { kind: 'master', nodeId: B, addr: '10.0.0.2:7001', from: '', to: D },
        { kind: 'slots', nodeId: D, addr: '10.0.0.4:7003', from: B, to: D, slotStart: 8192, slotEnd: 16383 },
      ]),
    );
    expect(changes.filter((c) => c.kind === 'slots')).toHaveLength(1);
  });

  it('reports slot ranges moved by a migration as separate ranges, and migration markers', () => {
    const before = view(healthy);
    const migrating = view(
      healthy.map((l) => (l.startsWith(A) ? `${l} [100->-${B}]` : l.startsWith(B) ? `${l} [100-<-${A}]` : l)),
    );
    expect(diffTopology(before, migrating)).toEqual([
      { kind: 'migrating', nodeId: A, addr: '10.0.0.1:7000', from: '', to: `100->${B}` },
      { kind: 'importing', nodeId: B, addr: '10.0.0.2:7001', from: '', to: `100-<${A}` },
    ]);
    const moved = view([
      `${A} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-99 101-199 201-8191`,
      `${B} 10.0.0.2:7001@17001 master - 0 0 5 connected 100 200 8192-16383`,
      healthy[2]!,
      healthy[3]!,
    ]);
    const slots = diffTopology(before, moved).filter((c) => c.kind === 'slots');
    expect(slots).toEqual([
      { kind: 'slots', nodeId: B, addr: '10.0.0.2:7001', from: A, to: B, slotStart: 100, slotEnd: 100 },
      { kind: 'slots', nodeId: B, addr: '10.0.0.2:7001', from: A, to: B, slotStart: 200, slotEnd: 200 },
    ]);
  });

  it('reports nodes joining and leaving, and other flags', () => {
    const E = 'e'.repeat(40);
    const next = view([...healthy.slice(0, 3), `${E} 10.0.0.5:7004@17004 master,nofailover - 0 0 0 connected`]);
    expect(diffTopology(view(healthy), next)).toEqual([
      { kind: 'node-added', nodeId: E, addr: '10.0.0.5:7004', from: '', to: 'master' },
      { kind: 'node-removed', nodeId: D, addr: '10.0.0.4:7003', from: 'replica', to: '' },
    ]);
    const flagged = view(healthy.map((l) => (l.startsWith(C) ? l.replace('slave', 'slave,nofailover') : l)));
    expect(diffTopology(view(healthy), flagged)).toEqual([
      { kind: 'flags', nodeId: C, addr: '10.0.0.3:7002', from: '', to: 'nofailover' },
    ]);
  });
});
