import { describe, expect, it } from 'vitest';
import { defaultDetectorsConfig } from '../../common/config-detectors.ts';
import type { AlertEventV1, InfoSampleV1 } from '../../contracts/index.ts';
import type { Detector } from './detector.ts';
import {
  evictionsDetector,
  memoryPressureDetector,
  redirectStormDetector,
  replicationLinkDetector,
} from './info-detectors.ts';
import { nonExpiringKeysDetector } from './non-expiring-keys.ts';

const settings = defaultDetectorsConfig();

function info(ts: number, fields: Record<string, number>, extra: Partial<InfoSampleV1> = {}): InfoSampleV1 {
  return {
    v: 1,
    kind: 'info',
    ts,
    collector: 'c',
    durationUs: 1,
    role: 'master',
    instance: { id: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, cluster: 'orders' },
    fields,
    text: {},
    commands: [],
    errors: [],
    keyspace: [],
    replicas: [],
    ...extra,
  };
}

/** Feeds samples through a detector the way the runner does; returns every event. */
function feed<S>(d: Detector<InfoSampleV1, S>, samples: InfoSampleV1[]): AlertEventV1[] {
  let state: S | undefined;
  const events: AlertEventV1[] = [];
  for (const m of samples) {
    if (d.subject(m) === undefined) continue;
    const r = d.observe(m, state, { now: m.ts, settings });
    state = r.state;
    events.push(...r.events);
  }
  return events;
}

describe('non-expiring keys detector', () => {
  const base = 1_700_000_000_000;
  const leak = (perSecond: number, seconds: number, start = 1000) =>
    Array.from({ length: seconds }, (_, i) =>
      info(base + i * 1000, {
        keyspace_keys_without_ttl: start + i * perSecond,
        keyspace_keys: start + i * perSecond,
        keyspace_expires: 0,
      }),
    );

  it('fires once when keys without TTL grow past the threshold within the window', () => {
    const events = feed(nonExpiringKeysDetector, leak(50, 400));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      rule: 'non-expiring-keys',
      status: 'firing',
      cluster: 'orders',
      instance: '10.0.0.1:7000',
    });
    expect(events[0]!.summary).toMatch(/new keys without TTL on 10\.0\.0\.1:7000/);
  });

  it('stays quiet for a large but stable number of keys without TTL', () => {
    expect(feed(nonExpiringKeysDetector, leak(0, 900, 5_000_000))).toEqual([]);
  });

  it('resolves after the growth stopped for a whole window', () => {
    const grow = leak(50, 400);
    const flat = Array.from({ length: 700 }, (_, i) =>
      info(base + (400 + i) * 1000, { keyspace_keys_without_ttl: 1000 + 399 * 50 }),
    );
    expect(feed(nonExpiringKeysDetector, [...grow, ...flat]).map((e) => e.status)).toEqual(['firing', 'resolved']);
  });

  it('ignores replicas, which hold the same keys as their master', () => {
    expect(
      feed(
        nonExpiringKeysDetector,
        leak(50, 400).map((m) => ({ ...m, role: 'replica' as const })),
      ),
    ).toEqual([]);
  });

  it('gives the same fingerprint to the firing and the resolved event', () => {
    const grow = leak(50, 400);
    const flat = Array.from({ length: 700 }, (_, i) =>
      info(base + (400 + i) * 1000, { keyspace_keys_without_ttl: 1000 + 399 * 50 }),
    );
    const [a, b] = feed(nonExpiringKeysDetector, [...grow, ...flat]);
    expect(a!.fingerprint).toBe(b!.fingerprint);
  });
});

describe('INFO threshold detectors', () => {
  it('memory near maxmemory fires after holding 30 s, not on a blip', () => {
    const hi = (t: number) => info(t * 1000, { used_memory: 95, maxmemory: 100 });
    const lo = (t: number) => info(t * 1000, { used_memory: 50, maxmemory: 100 });
    expect(feed(memoryPressureDetector, [hi(0), hi(10), lo(20), hi(21)])).toEqual([]);
    expect(feed(memoryPressureDetector, [hi(0), hi(15), hi(30)]).map((e) => e.status)).toEqual(['firing']);
  });

  it('memory detector has no opinion when maxmemory is 0 (unbounded)', () => {
    expect(
      feed(memoryPressureDetector, [
        info(0, { used_memory: 10, maxmemory: 0 }),
        info(60_000, { used_memory: 10, maxmemory: 0 }),
      ]),
    ).toEqual([]);
  });

  it('evictions fire on the first evicted key and resolve after a quiet period', () => {
    const s = [
      info(0, { evicted_keys: 5 }),
      info(1000, { evicted_keys: 9 }),
      info(2000, { evicted_keys: 9 }),
      info(400_000, { evicted_keys: 9 }),
    ];
    expect(feed(evictionsDetector, s).map((e) => e.status)).toEqual(['firing', 'resolved']);
  });

  it('a counter reset (restart) is not read as a negative or huge rate', () => {
    expect(feed(evictionsDetector, [info(0, { evicted_keys: 100 }), info(1000, { evicted_keys: 0 })])).toEqual([]);
  });

  it('replication link down fires after 10 s on a replica and resolves when the link is up', () => {
    const r = (t: number, status: string) =>
      info(
        t * 1000,
        { master_port: 7000 },
        { role: 'replica', text: { master_link_status: status, master_host: '10.0.0.1' } },
      );
    const events = feed(replicationLinkDetector, [r(0, 'down'), r(5, 'down'), r(10, 'down'), r(11, 'up')]);
    expect(events.map((e) => e.status)).toEqual(['firing', 'resolved']);
    expect(events[0]!.labels.master).toBe('10.0.0.1:7000');
  });

  it('MOVED/ASK storm fires when redirects stay above the rate', () => {
    const s = (t: number, moved: number) =>
      info(t * 1000, {}, { intervalMs: 1000, errors: [{ error: 'MOVED', count: 0, countDelta: moved }] });
    const events = feed(
      redirectStormDetector,
      Array.from({ length: 12 }, (_, i) => s(i, 500)),
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.summary).toMatch(/500 MOVED\/ASK redirects per second/);
  });
});
