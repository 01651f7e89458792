import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from './sampler.ts';

describe('capabilitiesOf', () => {
  it('offers HOTKEYS from Redis 8.6 and CLUSTER SLOT-STATS from Redis 8.2 in cluster mode', () => {
    expect(capabilitiesOf({ redisVersion: '7.0.15', clusterEnabled: true })).toEqual({
      hotkeys: false,
      slotStats: false,
    });
    expect(capabilitiesOf({ redisVersion: '8.2.1', clusterEnabled: true })).toEqual({
      hotkeys: false,
      slotStats: true,
    });
    expect(capabilitiesOf({ redisVersion: '8.6.0', clusterEnabled: false })).toEqual({
      hotkeys: true,
      slotStats: false,
    });
    expect(capabilitiesOf({ redisVersion: '10.0.0', clusterEnabled: true })).toEqual({
      hotkeys: true,
      slotStats: true,
    });
  });

  it('offers CLUSTER SLOT-STATS but not HOTKEYS on Valkey 8 (which reports redis_version 7.2.4)', () => {
    expect(capabilitiesOf({ redisVersion: '7.2.4', valkeyVersion: '8.0.1', clusterEnabled: true })).toEqual({
      hotkeys: false,
      slotStats: true,
    });
    expect(capabilitiesOf({ redisVersion: '7.2.4', valkeyVersion: '7.2.5', clusterEnabled: true })).toEqual({
      hotkeys: false,
      slotStats: false,
    });
  });
});
