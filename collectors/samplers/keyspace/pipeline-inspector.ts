// Pipeline mode: SCAN, then one pipeline with TYPE, MEMORY USAGE, PTTL (and OBJECT FREQ)
// for every key, then one with the element count command each type needs. Three round
// trips per batch and every reply parsed by the client: slower than the Lua mode and
// heavier on the collector, but it needs no scripting (for servers where EVAL is denied by
// ACL) and Redis interleaves other clients between the pipelined commands.
// Keys travel as Buffers so binary key names are inspected exactly.
import type { Redis } from 'ioredis';
import type { KeyType } from '../../../contracts/index.ts';
import type { InspectedKey } from './aggregate.ts';
import type { Batch, BatchInspector } from './inspector.ts';

const LENGTH_COMMAND: Partial<Record<KeyType, string>> = {
  string: 'STRLEN',
  list: 'LLEN',
  set: 'SCARD',
  zset: 'ZCARD',
  hash: 'HLEN',
  stream: 'XLEN',
};
const KNOWN = new Set<string>(['string', 'list', 'set', 'zset', 'hash', 'stream']);

export class PipelineInspector implements BatchInspector {
  readonly mode = 'pipeline' as const;

  constructor(
    private readonly redis: Redis,
    private readonly opts: { batchKeys: number; withFreq: boolean; readTtl: boolean },
  ) {}

  async batch(cursor: string): Promise<Batch> {
    const [next, keys] = (await this.redis.callBuffer('SCAN', cursor, 'COUNT', this.opts.batchKeys)) as [
      Buffer,
      Buffer[],
    ];
    if (keys.length === 0) return { cursor: next.toString(), count: 0, each: () => ({ inspected: 0, vanished: 0 }) };
    const { withFreq, readTtl } = this.opts;
    // Per key: TYPE, MEMORY USAGE, then PTTL and OBJECT FREQ when read (FREQ before the
    // length commands, which bump the LFU counter).
    const ttlAt = readTtl ? 2 : -1;
    const freqAt = withFreq ? (readTtl ? 3 : 2) : -1;
    const stride = 2 + (readTtl ? 1 : 0) + (withFreq ? 1 : 0);
    const first = this.redis.pipeline();
    for (const k of keys) {
      first.type(k);
      first.call('MEMORY', 'USAGE', k);
      if (readTtl) first.pttl(k);
      if (withFreq) first.call('OBJECT', 'FREQ', k);
    }
    const meta = unwrap(await first.exec());
    const second = this.redis.pipeline();
    // lengthAt[i]: index of key i's reply in the second pipeline (types without a length have none).
    const lengthAt: Array<number | undefined> = [];
    let queued = 0;
    keys.forEach((k, i) => {
      const type = String(meta[i * stride]);
      const command = KNOWN.has(type) ? LENGTH_COMMAND[type as KeyType] : undefined;
      if (command) {
        lengthAt[i] = queued++;
        second.call(command, k);
      }
    });
    const lengths = queued > 0 ? unwrap(await second.exec()) : [];
    const inspected: InspectedKey[] = [];
    let vanished = 0;
    keys.forEach((k, i) => {
      const type = String(meta[i * stride]);
      const ttlMs = ttlAt < 0 ? -1 : Number(meta[i * stride + ttlAt]);
      if (type === 'none' || ttlMs === -2) {
        vanished++;
        return;
      }
      const at = lengthAt[i];
      const item: InspectedKey = {
        key: k.toString('utf8'),
        type: KNOWN.has(type) ? (type as KeyType) : 'other',
        bytes: Number(meta[i * stride + 1] ?? 0),
        length: at === undefined ? 0 : Number(lengths[at] ?? 0),
        ttlMs,
      };
      if (withFreq) item.freq = Number(meta[i * stride + freqAt] ?? 0);
      inspected.push(item);
    });
    return {
      cursor: next.toString(),
      count: keys.length,
      each: (visit) => {
        inspected.forEach(visit);
        return { inspected: inspected.length, vanished };
      },
    };
  }
}

/** Pipeline replies → values; a per-command error (e.g. WRONGTYPE after a race) becomes null. */
function unwrap(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (!results) throw new Error('pipeline was discarded (connection lost?)');
  return results.map(([err, value]) => (err ? null : value));
}
