import { describe, expect, it } from 'vitest';
import { hostOf, parseClientList, summarizeClients } from './parse-client-list.ts';

const line = (fields: Record<string, string | number>) =>
  Object.entries({
    id: 1,
    addr: '10.0.0.1:5000',
    laddr: '10.0.0.9:7000',
    fd: 8,
    name: '',
    age: 10,
    idle: 0,
    flags: 'N',
    db: 0,
    sub: 0,
    psub: 0,
    ssub: 0,
    multi: -1,
    qbuf: 0,
    'qbuf-free': 0,
    'argv-mem': 0,
    obl: 0,
    oll: 0,
    omem: 0,
    'tot-mem': 1000,
    events: 'r',
    cmd: 'get',
    user: 'default',
    ...fields,
  })
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

const reply = [
  line({ id: 1, addr: '10.0.0.1:5001', name: 'orders', idle: 400, 'tot-mem': 2000 }),
  line({ id: 2, addr: '10.0.0.1:5002', name: 'orders', idle: 10, omem: 5000 }),
  line({ id: 3, addr: '10.0.0.2:5003', name: 'orders', idle: 900, qbuf: 30 }),
  line({ id: 4, addr: '10.0.0.3:5004', name: 'cart', flags: 'b', cmd: 'blpop' }),
  line({ id: 5, addr: '10.0.0.3:5005', name: '', sub: 2, flags: 'P' }),
  line({ id: 6, addr: '10.0.0.4:5006', name: '', flags: 'S', omem: 20504, cmd: 'replconf' }),
  line({ id: 7, addr: '[::1]:5007', name: 'cart', multi: 3, flags: 'x' }),
  '',
].join('\n');

describe('CLIENT LIST summary', () => {
  it('parses fields, hosts without ports (IPv6 without brackets)', () => {
    const conns = parseClientList(reply);
    expect(conns).toHaveLength(7);
    expect(conns[0]).toMatchObject({
      addr: '10.0.0.1:5001',
      host: '10.0.0.1',
      name: 'orders',
      idleS: 400,
      totMemBytes: 2000,
    });
    expect(conns[6]!.host).toBe('::1');
    expect(hostOf('/tmp/redis.sock:0')).toBe('/tmp/redis.sock');
  });

  it('counts replicas, blocked, pubsub and MULTI connections, idle and buffer figures', () => {
    const s = summarizeClients(parseClientList(reply), { idleThresholdS: 300, topN: 20 });
    expect(s).toMatchObject({
      total: 7,
      replicas: 1,
      masters: 0,
      blocked: 1,
      pubsub: 1,
      inMulti: 1,
      idleMaxS: 900,
      idleThresholdS: 300,
      idleOverThreshold: 2,
      omemTotalBytes: 25504,
      omemMaxBytes: 20504,
      omemMaxAddr: '10.0.0.4:5006',
      qbufTotalBytes: 30,
      namesDistinct: 3,
      hostsDistinct: 5,
    });
  });

  it('groups by name and by host, largest first, cut at topN', () => {
    const s = summarizeClients(parseClientList(reply), { idleThresholdS: 300, topN: 2 });
    expect(s.byName).toEqual([
      { key: 'orders', count: 3, idleMaxS: 900, omemBytes: 5000 },
      { key: '', count: 2, idleMaxS: 0, omemBytes: 20504 },
    ]);
    expect(s.byHost).toEqual([
      { key: '10.0.0.1', count: 2, idleMaxS: 400, omemBytes: 5000 },
      { key: '10.0.0.3', count: 2, idleMaxS: 0, omemBytes: 0 },
    ]);
    expect(s.namesDistinct).toBe(3);
  });

  it('an empty list is all zeros', () => {
    expect(summarizeClients(parseClientList(''), { idleThresholdS: 300, topN: 5 })).toMatchObject({
      total: 0,
      byName: [],
      omemMaxName: '',
      omemMaxAddr: '',
    });
  });
});
