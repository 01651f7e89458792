// Finds the Redis (and Valkey) servers listening on this host, for the one-collector-per-
// host deployment: LISTEN sockets from /proc/net/tcp{,6}, owned by a process whose name
// is redis-server or valkey-server. A cluster node also listens on its bus port
// (port + 10000); that one is dropped. Linux only; elsewhere it finds nothing.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

export interface ListeningSocket {
  address: string;
  port: number;
  inode: string;
}

const LISTEN = '0A';

/** Parses /proc/net/tcp or tcp6 text into LISTEN sockets. Pure. */
export function parseProcNetTcp(text: string, v6: boolean): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const [hexAddr, hexPort] = f[1]!.split(':') as [string, string];
    out.push({ address: v6 ? v6Address(hexAddr) : v4Address(hexAddr), port: parseInt(hexPort, 16), inode: f[9]! });
  }
  return out;
}

function v4Address(hex: string): string {
  // Little-endian per 32-bit word.
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
}

function v6Address(hex: string): string {
  if (hex === '00000000000000000000000000000000') return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  if (hex.startsWith('0000000000000000FFFF0000')) return v4Address(hex.slice(24)); // IPv4-mapped
  return 'v6';
}

/** Drops cluster bus ports: a listening port P whose P − 10000 is also a Redis port. Pure. */
export function redisClientPorts(ports: readonly number[]): number[] {
  const set = new Set(ports);
  return [...set].filter((p) => !set.has(p - 10000)).sort((a, b) => a - b);
}

/** This host's IPv4 addresses, loopback included. */
export function localAddresses(): Set<string> {
  const out = new Set(['127.0.0.1', 'localhost']);
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4') out.add(a.address);
  return out;
}

function inodesOfRedisProcesses(): Set<string> {
  const inodes = new Set<string>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (comm !== 'redis-server' && comm !== 'valkey-server') continue;
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      }
    } catch {
      // a process that exited or is not ours to read
    }
  }
  return inodes;
}

/** `host:port` of every Redis/Valkey server listening here (127.0.0.1 for wildcard binds). */
export function discoverLocalInstances(): string[] {
  let sockets: ListeningSocket[] = [];
  for (const [file, v6] of [
    ['/proc/net/tcp', false],
    ['/proc/net/tcp6', true],
  ] as const) {
    try {
      sockets = sockets.concat(parseProcNetTcp(readFileSync(file, 'utf8'), v6));
    } catch {
      // not Linux, or no IPv6
    }
  }
  const ours = inodesOfRedisProcesses();
  const redis = sockets.filter((s) => ours.has(s.inode));
  const ports = redisClientPorts(redis.map((s) => s.port));
  return ports.map((port) => {
    const bound = redis.find((s) => s.port === port && s.address !== 'v6')?.address ?? '127.0.0.1';
    const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;
    return `${host}:${port}`;
  });
}
