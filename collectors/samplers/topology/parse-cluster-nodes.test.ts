import { describe, expect, it } from 'vitest';
import { type ClusterNode, ClusterNodesParseError, parseClusterNodes } from './parse-cluster-nodes.ts';

const reply = [
  '07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,node-4 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected',
  '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922 [5000-<-e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca]',
  'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460 [5000->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]',
  '6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005@31005 master,fail - 1426238316232 1426238315000 5 disconnected 10923-16383 16000',
  '',
].join('\n');

describe('parseClusterNodes', () => {
  it('reads roles, masters, epochs and slot ranges', () => {
    const nodes = parseClusterNodes(reply);
    expect(nodes).toHaveLength(4);
    const [replica, m2, me, failed] = nodes as [ClusterNode, ClusterNode, ClusterNode, ClusterNode];
    expect(replica).toMatchObject({
      role: 'replica',
      masterId: 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca',
      port: 30004,
      busPort: 31004,
      hostname: 'node-4',
    });
    expect(m2.slots).toEqual([[5461, 10922]]);
    expect(me).toMatchObject({ myself: true, role: 'master', configEpoch: 1 });
    expect(failed).toMatchObject({
      failing: 'fail',
      linkState: 'disconnected',
      slots: [
        [10923, 16383],
        [16000, 16000],
      ],
    });
  });

  it('reads migrating and importing slots', () => {
    const [, m2, me] = parseClusterNodes(reply) as [ClusterNode, ClusterNode, ClusterNode];
    expect(me.migrating).toEqual([{ slot: 5000, to: '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1' }]);
    expect(m2.importing).toEqual([{ slot: 5000, from: 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca' }]);
  });

  it('marks a node suspected by this node as pfail', () => {
    const [n] = parseClusterNodes('aaaa 10.0.0.1:6379@16379 master,fail? - 1 2 3 connected 0-100');
    expect(n!.failing).toBe('pfail');
  });

  it('accepts pre-7 addresses without a bus port', () => {
    const [n] = parseClusterNodes('aaaa 10.0.0.1:6379 master - 0 0 1 connected');
    expect(n).toMatchObject({ host: '10.0.0.1', port: 6379, busPort: 16379 });
  });

  it('refuses a truncated line with a clear error', () => {
    expect(() => parseClusterNodes('aaaa 10.0.0.1:6379 master')).toThrow(ClusterNodesParseError);
  });
});
