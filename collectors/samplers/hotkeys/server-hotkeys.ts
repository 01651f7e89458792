// The servers' own hot-key and hot-slot tracking, where it exists:
// - HOTKEYS (Redis ≥ 8.6): START a tracking window, GET the top keys by CPU µs and network
//   bytes, RESET to free the server's tracking memory;
// - CLUSTER SLOT-STATS (Valkey ≥ 8.0, Redis ≥ 8.2): per-slot key counts, and CPU/network
//   when `cluster-slot-stats-enabled` is on.
// Support is detected by trying once: an "unknown command/subcommand" error means absent.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { HotKey, HotSlot } from '../../../contracts/index.ts';
import { errorMessage } from '../../../common/errors.ts';
import { keyPattern } from '../keyspace/key-pattern.ts';

export function isUnsupported(err: unknown): boolean {
  return /unknown command|unknown subcommand|cluster support disabled|not enabled|wrong number of arguments|ERR syntax/i.test(
    errorMessage(err),
  );
}

/** A flat `name, value, name, value` list (RESP2) or an object (RESP3 map) → entries. */
function pairs(reply: unknown): Array<[string, unknown]> {
  if (Array.isArray(reply)) {
    const out: Array<[string, unknown]> = [];
    for (let i = 0; i + 1 < reply.length; i += 2) out.push([String(reply[i]), reply[i + 1]]);
    return out;
  }
  if (reply && typeof reply === 'object') return Object.entries(reply as Record<string, unknown>);
  return [];
}

/** Parses HOTKEYS GET: `[ {tracking-active, …, by-cpu-time-us: [k, v, …], by-net-bytes: [k, v, …]} ]`. */
export function parseHotkeysGet(reply: unknown, topN: number): HotKey[] {
  // Redis wraps the session's map in a one-element array; accept it bare too.
  const body =
    Array.isArray(reply) && reply.length === 1 && (Array.isArray(reply[0]) || typeof reply[0] === 'object')
      ? reply[0]
      : reply;
  const keys: HotKey[] = [];
  for (const [name, value] of pairs(body)) {
    const metric = name === 'by-cpu-time-us' ? 'cpu-us' : name === 'by-net-bytes' ? 'net-bytes' : null;
    if (!metric) continue;
    for (const [key, score] of pairs(value).slice(0, topN))
      keys.push({ key: key.slice(0, 1024), pattern: keyPattern(key), metric, score: Math.max(0, Number(score) || 0) });
  }
  return keys;
}

export async function hotkeysWindow(
  redis: Redis,
  opts: { windowMs: number; topN: number },
  signal?: AbortSignal,
): Promise<HotKey[]> {
  const seconds = Math.max(1, Math.round(opts.windowMs / 1000));
  // DURATION makes the server stop by itself even if we never come back.
  await redis.call('HOTKEYS', 'START', 'METRICS', 2, 'CPU', 'NET', 'COUNT', opts.topN, 'DURATION', seconds);
  try {
    // An abort cuts the window short (the timer rejects): what was counted so far is read.
    await sleep(seconds * 1000, undefined, { signal }).catch(() => {});
    return parseHotkeysGet(await redis.call('HOTKEYS', 'GET'), opts.topN);
  } finally {
    await redis.call('HOTKEYS', 'STOP').catch(() => {});
    await redis.call('HOTKEYS', 'RESET').catch(() => {});
  }
}

/** Parses CLUSTER SLOT-STATS: `[[slot, [key-count, n, cpu-usec, n, …]], …]`. */
export function parseSlotStats(reply: unknown): HotSlot[] {
  if (!Array.isArray(reply)) return [];
  const out: HotSlot[] = [];
  for (const entry of reply) {
    if (!Array.isArray(entry) || entry.length < 2) continue;
    const slot = Number(entry[0]);
    if (!Number.isInteger(slot) || slot < 0 || slot > 16383) continue;
    const stats = new Map(pairs(entry[1]).map(([k, v]) => [k.toLowerCase(), Math.max(0, Number(v) || 0)]));
    const s: HotSlot = { slot, keyCount: stats.get('key-count') ?? 0 };
    if (stats.has('cpu-usec')) s.cpuUs = stats.get('cpu-usec')!;
    if (stats.has('network-bytes-in')) s.networkBytesIn = stats.get('network-bytes-in')!;
    if (stats.has('network-bytes-out')) s.networkBytesOut = stats.get('network-bytes-out')!;
    out.push(s);
  }
  return out;
}

/** The hottest slots by CPU when the server tracks it, else the fullest by key count. */
export async function slotStats(redis: Redis, topN: number): Promise<HotSlot[]> {
  try {
    return parseSlotStats(await redis.call('CLUSTER', 'SLOT-STATS', 'ORDERBY', 'cpu-usec', 'LIMIT', topN));
  } catch (err) {
    if (!isUnsupported(err) && !/cpu-usec|metric/i.test(errorMessage(err))) throw err;
    return parseSlotStats(await redis.call('CLUSTER', 'SLOT-STATS', 'ORDERBY', 'key-count', 'LIMIT', topN));
  }
}
