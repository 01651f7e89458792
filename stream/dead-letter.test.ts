import { describe, expect, it } from 'vitest';
import { chunksBySize, deadLetter } from './dead-letter.ts';

const src = (value: string) => ({ topic: 't', partition: 0, offset: '1', key: null, value: Buffer.from(value) });

describe('dead letters', () => {
  it('keep at most 64 KiB of the value and 4 KiB of the reason', () => {
    const l = deadLetter(src('x'.repeat(200_000)), 'r'.repeat(10_000));
    expect(l.value).toHaveLength(64 * 1024);
    expect(l.reason.length).toBeLessThanOrEqual(4 * 1024 + 1);
  });

  it('go in sends of at most the byte bound, every message once and in order (a broker refuses a record batch above its limit)', () => {
    const messages = Array.from({ length: 40 }, (_, i) => ({ key: String(i), value: 'v'.repeat(100_000) }));
    const chunks = chunksBySize(messages, 512 * 1024);
    expect(chunks.flat()).toEqual(messages);
    for (const c of chunks) expect(c.reduce((n, m) => n + m.value.length, 0)).toBeLessThanOrEqual(512 * 1024);
    expect(chunks).toHaveLength(8);
    // One message above the bound still goes, alone.
    expect(chunksBySize([{ value: 'x'.repeat(10) }, { value: 'y'.repeat(600) }], 100).map((c) => c.length)).toEqual([
      1, 1,
    ]);
  });
});
