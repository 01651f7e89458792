import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isNumeric, parseInfo } from './parse-info.ts';

const redis70 = readFileSync(new URL('./fixtures/redis-7.0-standalone.txt', import.meta.url), 'utf8');

describe('parseInfo', () => {
  it('parses a real Redis 7.0 INFO everything into typed fields', () => {
    const info = parseInfo(redis70);
    expect(info.version).toBe('7.0.15');
    expect(info.role).toBe('master');
    expect(info.fields.connected_clients).toBeGreaterThan(0);
    expect(info.fields.second_repl_offset).toBe(-1);
    expect(info.fields.mem_fragmentation_ratio).toBeCloseTo(7.78);
    expect(info.text.maxmemory_policy).toBe('noeviction');
    expect(info.text.used_memory_human).toMatch(/[KMG]$/);
    expect(info.text.redis_git_sha1).toBe('00000000'); // an identifier, not the number 0
  });

  it('reads commandstats with latencystats percentiles attached', () => {
    const get = parseInfo(redis70).commands.find((c) => c.command === 'get');
    expect(get).toEqual({
      command: 'get',
      calls: 1,
      usec: 2,
      rejectedCalls: 0,
      failedCalls: 0,
      p50Us: 2.007,
      p99Us: 2.007,
      p999Us: 2.007,
    });
  });

  it('reads errorstats, keyspace and the keys-without-TTL total', () => {
    const info = parseInfo(redis70);
    expect(info.errors).toContainEqual({ error: 'ERR', count: 1 });
    expect(info.keyspace).toEqual([{ db: 0, keys: 2, expires: 0, avgTtlMs: 0 }]);
    expect(info.fields.keyspace_keys_without_ttl).toBe(2);
  });

  it('reads replicas of a master and the role of a replica', () => {
    const master = parseInfo(
      '# Replication\r\nrole:master\r\nconnected_slaves:1\r\nslave0:ip=10.0.0.2,port=7003,state=online,offset=1234,lag=1\r\n',
    );
    expect(master.replicas).toEqual([{ host: '10.0.0.2', port: 7003, state: 'online', offset: 1234, lagSeconds: 1 }]);
    const replica = parseInfo('role:slave\r\nmaster_host:10.0.0.1\r\nmaster_link_status:down\r\n');
    expect(replica.role).toBe('replica');
    expect(replica.text.master_link_status).toBe('down');
  });

  it('keeps fields it does not know, from newer servers and Valkey, without error', () => {
    const info = parseInfo(
      '# Server\r\nvalkey_version:8.0.1\r\nserver_name:valkey\r\nio_threads_brand_new_metric:17\r\nsome_mode:turbo\r\nerrorstat_MOVED:count=12\r\n',
    );
    expect(info.version).toBe('8.0.1');
    expect(info.fields.io_threads_brand_new_metric).toBe(17);
    expect(info.text.some_mode).toBe('turbo');
    expect(info.errors).toEqual([{ error: 'MOVED', count: 12 }]);
  });

  it('leaves a field out when the server does not report it, rather than 0', () => {
    const info = parseInfo('redis_version:6.2.14\r\nconnected_clients:3\r\n');
    expect('latency_percentiles' in info.fields).toBe(false);
    expect(info.fields.total_error_replies).toBeUndefined();
    expect(info.commands).toEqual([]);
  });

  it('ignores malformed lines and garbage instead of throwing', () => {
    const info = parseInfo('garbage\r\n:nokey\r\ncmdstat_get:calls=x\r\ndb0:keys=1\r\n\0\0\r\n');
    expect(info.commands).toEqual([]);
    expect(info.keyspace).toEqual([{ db: 0, keys: 1, expires: 0, avgTtlMs: 0 }]);
  });

  it('reads subcommand names as Redis 7 writes them', () => {
    const info = parseInfo(
      'cmdstat_config|get:calls=2,usec=40,usec_per_call=20.00\r\nlatency_percentiles_usec_config|get:p50=19.1,p99=21.0,p99.9=21.0\r\n',
    );
    expect(info.commands).toEqual([{ command: 'config|get', calls: 2, usec: 40, p50Us: 19.1, p99Us: 21, p999Us: 21 }]);
  });

  it('takes as numbers exactly the plain decimal values (no hex, blanks, signs alone or bare exponents)', () => {
    const numbers = ['0', '-1', '7.78', '5.', '.5', '-.5', '1e5', '1E+3', '-1.5e-3', '00000000'];
    const texts = [
      '',
      '-',
      '.',
      '-.',
      '1e',
      '1e+',
      '.e5',
      '0x10',
      ' 1',
      '1 ',
      '--1',
      '1.2.3',
      'Infinity',
      'NaN',
      '12K',
      '1,5',
    ];
    for (const s of numbers) expect(isNumeric(s), s).toBe(true);
    for (const s of texts) expect(isNumeric(s), s).toBe(false);
  });

  it('reads lines ended by \\n alone as well as by \\r\\n', () => {
    const info = parseInfo('connected_clients:3\nrole:master\r\nused_memory_human:1.5M');
    expect(info.fields.connected_clients).toBe(3);
    expect(info.role).toBe('master');
    expect(info.text.used_memory_human).toBe('1.5M');
  });
});
