import { describe, expect, it } from 'vitest';
import type { PartitionWatermarks } from '../clickhouse/watermarks.ts';
import { AssignedWatermarks } from './assigned-watermarks.ts';

const marks = (offset: number): PartitionWatermarks => new Map([['info_samples', offset]]);

describe('AssignedWatermarks', () => {
  it('reads a partition once per assignment and keeps what it read', async () => {
    let reads = 0;
    const wms = new AssignedWatermarks(
      async () => marks(++reads),
      () => 1,
      1000,
    );
    expect((await wms.orNull('t', 0))?.get('info_samples')).toBe(1);
    expect((await wms.orNull('t', 0))?.get('info_samples')).toBe(1);
    expect(wms.has('t/0')).toBe(true);
    wms.clear();
    expect(wms.has('t/0')).toBe(false);
    expect((await wms.orNull('t', 0))?.get('info_samples')).toBe(2);
  });

  it('gives up after waitMs, then answers at once (null) while the read is pending, and the value once it lands', async () => {
    let land: (wm: PartitionWatermarks) => void = () => {};
    const pending = new Promise<PartitionWatermarks>((r) => (land = r));
    const wms = new AssignedWatermarks(
      () => pending,
      () => 1,
      50,
    );
    const started = Date.now();
    expect(await wms.orNull('t', 0)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    const again = Date.now();
    expect(await wms.orNull('t', 0)).toBeNull();
    expect(Date.now() - again).toBeLessThan(45); // a stalled partition does not hold every batch
    land(marks(7));
    await pending;
    await new Promise((r) => setImmediate(r));
    expect((await wms.orNull('t', 0))?.get('info_samples')).toBe(7);
  });

  it('reads again when a new assignment came while reading', async () => {
    let generation = 1;
    let reads = 0;
    const wms = new AssignedWatermarks(
      async () => {
        reads++;
        if (reads === 1) generation = 2; // a rebalance during the first read
        return marks(reads);
      },
      () => generation,
      1000,
    );
    expect((await wms.orNull('t', 0))?.get('info_samples')).toBe(2);
    expect(reads).toBe(2);
  });

  it('a failed read is started again by the next batch (read ahead meanwhile), and its value kept', async () => {
    let reads = 0;
    const wms = new AssignedWatermarks(
      async () => {
        if (++reads === 1) throw new Error('ClickHouse down');
        return marks(reads);
      },
      () => 1,
      1000,
    );
    expect(await wms.orNull('t', 0)).toBeNull();
    expect(await wms.orNull('t', 0)).toBeNull(); // the failed one counted as slow: no wait
    await new Promise((r) => setImmediate(r));
    expect(reads).toBe(2);
    expect((await wms.orNull('t', 0))?.get('info_samples')).toBe(2);
  });
});
