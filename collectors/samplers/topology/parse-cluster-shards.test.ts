import { describe, expect, it } from 'vitest';
import { parseClusterShards } from './parse-cluster-shards.ts';

describe('parseClusterShards', () => {
  it('maps node ids to health and replication offset, ignoring unknown keys', () => {
    const reply = [
      [
        'slots',
        [0, 5460],
        'nodes',
        [
          [
            'id',
            'aaa',
            'port',
            7000,
            'ip',
            '127.0.0.1',
            'endpoint',
            '127.0.0.1',
            'role',
            'master',
            'replication-offset',
            1234,
            'health',
            'online',
            'future-field',
            'x',
          ],
          [
            'id',
            'bbb',
            'port',
            7003,
            'ip',
            '127.0.0.1',
            'role',
            'replica',
            'replication-offset',
            1200,
            'health',
            'loading',
          ],
        ],
      ],
      ['slots', [], 'nodes', [['id', 'ccc', 'health', 'failed']]],
    ];
    const shards = parseClusterShards(reply);
    expect(shards.get('aaa')).toEqual({ health: 'online', replicationOffset: 1234 });
    expect(shards.get('bbb')).toEqual({ health: 'loading', replicationOffset: 1200 });
    expect(shards.get('ccc')).toEqual({ health: 'failed' });
  });

  it('returns nothing for a reply of the wrong shape', () => {
    expect(parseClusterShards('OK').size).toBe(0);
    expect(parseClusterShards([['nodes', 'not-a-list']]).size).toBe(0);
  });
});
