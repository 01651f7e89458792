import { describe, expect, it } from 'vitest';
import { parseProcNetTcp, redisClientPorts } from './local-discovery.ts';

const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1B58 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 100 0 0 10 0
   1: 00000000:4268 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123457 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1B58 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 20 4 30 10 -1
`;

describe('local discovery', () => {
  it('reads LISTEN sockets with their address, port and inode, skipping connections', () => {
    expect(parseProcNetTcp(tcp, false)).toEqual([
      { address: '127.0.0.1', port: 7000, inode: '123456' },
      { address: '0.0.0.0', port: 17000, inode: '123457' },
    ]);
  });

  it('reads IPv6 wildcard and IPv4-mapped addresses', () => {
    const v6 = `sl local rem st\n 0: 00000000000000000000000000000000:1B58 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 999 1`;
    expect(parseProcNetTcp(v6, true)).toEqual([{ address: '::', port: 7000, inode: '999' }]);
  });

  it('drops cluster bus ports (client port + 10000)', () => {
    expect(redisClientPorts([7000, 17000, 7001, 17001, 6379, 6379])).toEqual([6379, 7000, 7001]);
  });
});
