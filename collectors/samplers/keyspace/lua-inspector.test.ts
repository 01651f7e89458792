import { describe, expect, it } from 'vitest';
import type { InspectedKey } from './aggregate.ts';
import { decodeLuaBatch } from './lua-inspector.ts';

/** Just enough MessagePack for the tests: fixarray/array16, fixstr, fixint, negative fixint, uint32. */
function pack(items: Array<string | number>): Buffer {
  const parts: Buffer[] = [
    items.length < 16
      ? Buffer.from([0x90 | items.length])
      : Buffer.from([0xdc, items.length >> 8, items.length & 0xff]),
  ];
  for (const v of items) {
    if (typeof v === 'string') parts.push(Buffer.from([0xa0 | Buffer.byteLength(v)]), Buffer.from(v));
    else if (v >= 0 && v < 128) parts.push(Buffer.from([v]));
    else if (v < 0 && v >= -32) parts.push(Buffer.from([0x100 + v]));
    else {
      const b = Buffer.alloc(5);
      b[0] = 0xce;
      b.writeUInt32BE(v, 1);
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}

const collect = (packed: Buffer, withFreq: boolean) => {
  const keys: InspectedKey[] = [];
  const counts = decodeLuaBatch(packed, { withFreq, readTtl: true }, (k) => keys.push({ ...k }));
  return { keys, counts };
};

describe('decodeLuaBatch', () => {
  it('maps type codes and reads bytes, length and TTL per key', () => {
    const { keys, counts } = collect(
      pack(['k:1', 1, 136, 64, -1, 'h', 5, 300_000, 50_000, 120_000, 'm', 7, 90, 0, -1]),
      false,
    );
    expect(keys).toEqual([
      { key: 'k:1', type: 'string', bytes: 136, length: 64, ttlMs: -1 },
      { key: 'h', type: 'hash', bytes: 300_000, length: 50_000, ttlMs: 120_000 },
      { key: 'm', type: 'other', bytes: 90, length: 0, ttlMs: -1 },
    ]);
    expect(counts).toEqual({ inspected: 3, vanished: 0 });
  });

  it('counts keys deleted between SCAN and their inspection as vanished', () => {
    const { keys, counts } = collect(pack(['gone', 0, 0, 0, -2, 'k', 2, 100, 3, -1]), false);
    expect(keys.map((k) => k.key)).toEqual(['k']);
    expect(counts).toEqual({ inspected: 1, vanished: 1 });
  });

  it('reads OBJECT FREQ as a sixth field when asked for', () => {
    const { keys } = collect(pack(['hot', 1, 50, 3, -1, 200, 'cold', 1, 50, 3, -1, 5]), true);
    expect(keys.map((k) => [k.key, k.freq])).toEqual([
      ['hot', 200],
      ['cold', 5],
    ]);
  });

  it('reads records without PTTL (not read: the database had no key with a TTL) as keys without TTL', () => {
    const keys: InspectedKey[] = [];
    const counts = decodeLuaBatch(
      pack(['k:1', 1, 136, 64, 'gone', 0, 0, 0, 'l', 2, 100, 3]),
      { withFreq: false, readTtl: false },
      (k) => keys.push({ ...k }),
    );
    expect(keys).toEqual([
      { key: 'k:1', type: 'string', bytes: 136, length: 64, ttlMs: -1 },
      { key: 'l', type: 'list', bytes: 100, length: 3, ttlMs: -1 },
    ]);
    expect(counts).toEqual({ inspected: 2, vanished: 1 });
  });

  it('rejects a reply whose length does not fit the record layout', () => {
    expect(() => decodeLuaBatch(pack(['k:1', 1, 136, 64, -1]), { withFreq: false, readTtl: false }, () => {})).toThrow(
      /not a multiple of 4/,
    );
  });

  it('reads an empty batch (cmsgpack packs an empty table as a map)', () => {
    expect(collect(Buffer.from([0x80]), false).counts).toEqual({ inspected: 0, vanished: 0 });
  });
});
