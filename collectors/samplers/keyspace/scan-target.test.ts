import { describe, expect, it } from 'vitest';
import { isLfu, planScan } from './scan-target.ts';

const replica = (port: number, state = 'online', lagSeconds = 0) => ({
  host: '10.0.0.2',
  port,
  state,
  offset: 100,
  lagSeconds,
});

describe('planScan', () => {
  it('scans a master through its least lagging online replica', () => {
    const plan = planScan(
      {
        role: 'master',
        replicas: [replica(7003, 'online', 2), replica(7004, 'wait_bgsave'), replica(7005, 'online', 0)],
      },
      { preferReplica: true },
    );
    expect(plan).toEqual({ action: 'scan', on: { host: '10.0.0.2', port: 7005, lagSeconds: 0 } });
  });

  it('keeps the INFO order between equally fresh replicas', () => {
    const plan = planScan({ role: 'master', replicas: [replica(7003), replica(7004)] }, { preferReplica: true });
    expect(plan).toMatchObject({ on: { port: 7003 } });
  });

  it('scans the master itself when it has no online replica or replicas are not preferred', () => {
    expect(planScan({ role: 'master', replicas: [] }, { preferReplica: true })).toEqual({ action: 'scan', on: 'self' });
    expect(planScan({ role: 'master', replicas: [replica(7003, 'send_bulk')] }, { preferReplica: true })).toEqual({
      action: 'scan',
      on: 'self',
    });
    expect(planScan({ role: 'master', replicas: [replica(7003)] }, { preferReplica: false })).toEqual({
      action: 'scan',
      on: 'self',
    });
  });

  it('skips a discovered replica (its master scans through it) but scans one asked for by name', () => {
    expect(planScan({ role: 'replica', replicas: [] }, { preferReplica: true })).toMatchObject({ action: 'skip' });
    expect(planScan({ role: 'replica', replicas: [] }, { preferReplica: true, explicit: true })).toEqual({
      action: 'scan',
      on: 'self',
    });
  });
});

describe('isLfu', () => {
  it('recognises the two LFU policies only', () => {
    expect(isLfu('allkeys-lfu')).toBe(true);
    expect(isLfu('volatile-lfu')).toBe(true);
    expect(isLfu('allkeys-lru')).toBe(false);
    expect(isLfu('noeviction')).toBe(false);
  });
});
