import { mkdtempSync, readdirSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskSpill } from './disk-spill.ts';
import type { OutgoingMessage } from './delivery-buffer.ts';

const log = { info() {}, warn() {}, error() {}, debug() {} } as never;
const tmp = () => mkdtempSync(join(tmpdir(), 'redscope-spill-'));
const msgs = (from: number, n: number): OutgoingMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    topic: 't',
    key: `k${(from + i) % 3}`,
    value: JSON.stringify({ n: from + i, pad: 'x'.repeat(200) }),
  }));
const numbers = (ms: readonly OutgoingMessage[]) => ms.map((m) => (JSON.parse(m.value) as { n: number }).n);

/** Reads everything back through peek/ack, as the Kafka sink does. */
async function drain(spill: DiskSpill, batch = 37): Promise<number[]> {
  const out: number[] = [];
  for (;;) {
    const got = await spill.peek(batch, 1 << 20);
    if (got.length === 0) return out;
    out.push(...numbers(got));
    await spill.ack(got.length);
  }
}

describe('DiskSpill', () => {
  it('gives back what was appended, in order, across segments, and deletes what was acknowledged', async () => {
    const dir = tmp();
    const spill = await DiskSpill.open({ dir, maxBytes: 1024 * 1024 }, log);
    for (let i = 0; i < 2000; i += 100) await spill.append(msgs(i, 100));
    expect(spill.messages).toBe(2000);
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl')).length).toBeGreaterThan(1);
    expect(await drain(spill)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(spill.messages).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps taking appends while an older segment is being read', async () => {
    const spill = await DiskSpill.open({ dir: tmp(), maxBytes: 1024 * 1024 }, log);
    await spill.append(msgs(0, 10));
    const first = await spill.peek(4, 1 << 20);
    await spill.append(msgs(10, 10));
    await spill.ack(first.length);
    expect([...numbers(first), ...(await drain(spill))]).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('prepend puts messages ahead of everything spilled, also ahead of a segment being read', async () => {
    const spill = await DiskSpill.open({ dir: tmp(), maxBytes: 1024 * 1024 }, log);
    await spill.append(msgs(10, 10));
    await spill.ack((await spill.peek(3, 1 << 20)).length);
    await spill.prepend(msgs(0, 5));
    await spill.append(msgs(20, 2));
    expect(await drain(spill)).toEqual([0, 1, 2, 3, 4, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });

  it('a restarted collector resumes after the last acknowledged message: nothing re-sent, nothing lost', async () => {
    const dir = tmp();
    const before = await DiskSpill.open({ dir, maxBytes: 1024 * 1024 }, log);
    await before.append(msgs(0, 50));
    await before.ack((await before.peek(20, 1 << 20)).length);
    const after = await DiskSpill.open({ dir, maxBytes: 1024 * 1024 }, log);
    expect(after.messages).toBe(30);
    await after.append(msgs(50, 5));
    expect(await drain(after)).toEqual(Array.from({ length: 35 }, (_, i) => 20 + i));
  });

  it('skips and counts a line torn by a crash, sending the rest', async () => {
    const dir = tmp();
    const spill = await DiskSpill.open({ dir, maxBytes: 1024 * 1024 }, log);
    await spill.append(msgs(0, 3));
    const [segment] = readdirSync(dir);
    appendFileSync(join(dir, segment!), '["t","k0","{\\"n\\":3');
    const reopened = await DiskSpill.open({ dir, maxBytes: 1024 * 1024 }, log);
    await reopened.append(msgs(4, 2));
    expect(await drain(reopened)).toEqual([0, 1, 2, 4, 5]);
    expect(reopened.corrupt).toBe(1);
  });

  it('past maxBytes drops the oldest segment and counts its messages', async () => {
    const dir = tmp();
    const maxBytes = 1024 * 1024;
    const spill = await DiskSpill.open({ dir, maxBytes }, log);
    for (let i = 0; i < 10_000; i += 500) await spill.append(msgs(i, 500));
    expect(spill.bytes).toBeLessThanOrEqual(maxBytes);
    expect(spill.dropped).toBeGreaterThan(0);
    const left = await drain(spill);
    expect(left.length + spill.dropped).toBe(10_000);
    // What is left is the newest, contiguous and in order.
    expect(left).toEqual(Array.from({ length: left.length }, (_, i) => 10_000 - left.length + i));
  });

  it('writes one JSON array per line: [topic, key, value]', async () => {
    const dir = tmp();
    const spill = await DiskSpill.open({ dir, maxBytes: 1024 * 1024 }, log);
    await spill.append([{ topic: 'redscope.info.v1', key: '10.0.0.1:6379', value: '{"a":"line\\nbreak"}' }]);
    const [segment] = readdirSync(dir);
    expect(readFileSync(join(dir, segment!), 'utf8')).toBe(
      '["redscope.info.v1","10.0.0.1:6379","{\\"a\\":\\"line\\\\nbreak\\"}"]\n',
    );
  });
});
