import { describe, expect, it } from 'vitest';
import { ClusterInfoParseError, parseClusterInfo } from './parse-cluster-info.ts';

const reply = [
  'cluster_state:ok',
  'cluster_slots_assigned:16384',
  'cluster_slots_ok:16380',
  'cluster_slots_pfail:4',
  'cluster_slots_fail:0',
  'cluster_known_nodes:6',
  'cluster_size:3',
  'cluster_current_epoch:7',
  'cluster_my_epoch:2',
  'cluster_stats_messages_sent:1483972',
  '',
].join('\r\n');

describe('parseClusterInfo', () => {
  it('reads state, slot counters, sizes and epochs from CRLF lines', () => {
    expect(parseClusterInfo(reply)).toMatchObject({
      clusterState: 'ok',
      slotsAssigned: 16384,
      slotsOk: 16380,
      slotsPfail: 4,
      slotsFail: 0,
      knownNodes: 6,
      size: 3,
      currentEpoch: 7,
      myEpoch: 2,
    });
    expect(parseClusterInfo(reply).raw.cluster_stats_messages_sent).toBe('1483972');
  });

  it('refuses a reply without cluster_state', () => {
    expect(() => parseClusterInfo('ERR nope')).toThrow(ClusterInfoParseError);
  });
});
