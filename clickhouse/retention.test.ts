import { describe, expect, it } from 'vitest';
import { dropPartitionSql, partitionLastDay, partitionsToDrop } from './retention.ts';

const now = Date.UTC(2026, 10, 25, 12); // 2026-11-25

describe('retention', () => {
  it('reads daily and monthly partition ids, and nothing else', () => {
    expect(partitionLastDay('20261125')).toBe(20261125);
    expect(partitionLastDay('202602')).toBe(20260228);
    expect(partitionLastDay('202402')).toBe(20240229);
    expect(partitionLastDay('all')).toBeUndefined();
    expect(partitionLastDay('tuple()')).toBeUndefined();
  });

  it('drops only partitions entirely older than the table’s retention', () => {
    const parts = [
      { table: 'info_samples', partition: '20261117' },
      { table: 'info_samples', partition: '20261118' },
      { table: 'info_samples', partition: '20261125' },
      { table: 'alerts', partition: '202609' },
      { table: 'alerts', partition: '202610' },
      { table: 'detector_state', partition: 'all' },
    ];
    const drop = partitionsToDrop(parts, now, { defaultDays: 7, tables: { alerts: 40 } });
    expect(drop).toEqual([
      { table: 'info_samples', partition: '20261117' },
      { table: 'alerts', partition: '202609' },
    ]);
  });

  it('builds the DROP through the escaping module and refuses a non-date partition', () => {
    expect(dropPartitionSql('redscope', { table: 'info_samples', partition: '20261117' }).text).toBe(
      'ALTER TABLE `redscope`.`info_samples` DROP PARTITION 20261117',
    );
    expect(() => dropPartitionSql('redscope', { table: 'x', partition: '1; DROP TABLE y' })).toThrow();
  });
});
