import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeliveryBuffer, type OutgoingMessage } from './delivery-buffer.ts';
import { DiskSpill } from './disk-spill.ts';

const log = { info() {}, warn() {}, error() {}, debug() {} } as never;
const message = (n: number): OutgoingMessage => ({
  topic: 't',
  key: `instance-${n % 4}`,
  value: JSON.stringify({ n }),
});
const n = (m: OutgoingMessage) => (JSON.parse(m.value) as { n: number }).n;
const openSpill = (dir = mkdtempSync(join(tmpdir(), 'redscope-buffer-'))) =>
  DiskSpill.open({ dir, maxBytes: 64 * 1024 * 1024 }, log);

/** Delivers everything, failing every `failEvery`-th attempt (the batch must come back in order). */
async function deliverAll(buffer: DeliveryBuffer, failEvery = 0): Promise<number[]> {
  const delivered: number[] = [];
  for (let attempt = 1; ; attempt++) {
    const batch = await buffer.take(25, 1 << 20);
    if (!batch) return delivered;
    const ok = failEvery === 0 || attempt % failEvery !== 0;
    if (ok) delivered.push(...batch.messages.map(n));
    await buffer.settle(batch, ok);
  }
}

describe('DeliveryBuffer', () => {
  it('without a spill, keeps the newest memoryMax samples and counts the dropped', async () => {
    const buffer = new DeliveryBuffer(100, null, log);
    for (let i = 0; i < 250; i++) buffer.push(message(i));
    expect(buffer.stats()).toMatchObject({ queued: 100, dropped: 150, spill: null });
    expect(await deliverAll(buffer)).toEqual(Array.from({ length: 100 }, (_, i) => 150 + i));
  });

  it('with a spill, a tiny memory bound loses nothing and keeps the order, through failed sends', async () => {
    const spill = await openSpill();
    const buffer = new DeliveryBuffer(100, spill, log);
    const pushed: number[] = [];
    let next = 0;
    const delivered: number[] = [];
    const sample = (count: number) => {
      for (let i = 0; i < count; i++) {
        pushed.push(next);
        buffer.push(message(next++));
      }
    };
    // Samples keep arriving, also while a batch is in flight, and sends fail and succeed (a flapping broker).
    for (let round = 0; round < 40; round++) {
      sample(30);
      const batch = await buffer.take(25, 1 << 20);
      sample(30);
      await buffer.idle();
      const ok = round % 3 === 0;
      if (batch && ok) delivered.push(...batch.messages.map(n));
      if (batch) await buffer.settle(batch, ok);
    }
    expect(spill.messages).toBeGreaterThan(0);
    delivered.push(...(await deliverAll(buffer, 4)));
    expect(delivered).toEqual(pushed);
    expect(buffer.stats()).toMatchObject({ queued: 0, dropped: 0 });
  });

  it('a failed batch taken from memory stays ahead of samples that overflowed to disk meanwhile', async () => {
    const buffer = new DeliveryBuffer(100, await openSpill(), log);
    for (let i = 0; i < 90; i++) buffer.push(message(i));
    const batch = await buffer.take(25, 1 << 20);
    expect(batch!.source).toBe('memory');
    for (let i = 90; i < 150; i++) buffer.push(message(i));
    await buffer.idle();
    await buffer.settle(batch!, false);
    expect(await deliverAll(buffer)).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });

  it('keeps memory within its bound while a send hangs (Kafka not answering): the overflow goes to disk', async () => {
    const spill = await openSpill();
    const buffer = new DeliveryBuffer(100, spill, log);
    buffer.push(message(0));
    const hanging = await buffer.take(25, 1 << 20);
    // Samples keep arriving, 100 at a time, for as long as the send hangs.
    for (let i = 1; i < 5000; i++) {
      buffer.push(message(i));
      if (i % 100 === 0) await buffer.idle();
    }
    await buffer.idle();
    expect(spill.messages).toBeGreaterThan(4800);
    expect(buffer.stats().dropped).toBe(0);
    await buffer.settle(hanging!, false);
    expect(await deliverAll(buffer)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('at shutdown the unsent samples go to the spill, and the next run sends them first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redscope-buffer-'));
    const first = new DeliveryBuffer(1000, await openSpill(dir), log);
    for (let i = 0; i < 300; i++) first.push(message(i));
    const batch = await first.take(50, 1 << 20);
    await first.settle(batch!, true);
    expect(await first.spillAll()).toBe(0);

    const second = new DeliveryBuffer(1000, await openSpill(dir), log);
    expect(second.stats().queued).toBe(250);
    for (let i = 300; i < 310; i++) second.push(message(i));
    expect(await deliverAll(second)).toEqual(Array.from({ length: 260 }, (_, i) => (i < 250 ? 50 + i : 300 + i - 250)));
  });

  it('a batch respects the byte limit but always holds at least one message', async () => {
    const buffer = new DeliveryBuffer(100, null, log);
    for (let i = 0; i < 10; i++) buffer.push(message(i));
    const size = message(0).value.length;
    expect((await buffer.take(100, size * 3))!.messages.length).toBe(3);
  });
});
