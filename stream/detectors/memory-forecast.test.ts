import { describe, expect, it } from 'vitest';
import { defaultDetectorsConfig } from '../../common/config-detectors.ts';
import type { AlertEventV1, InfoSampleV1 } from '../../contracts/index.ts';
import { formatDuration, memoryForecastDetector, type MemoryForecastState } from './memory-forecast.ts';
import { seededRandom } from '../../collectors/samplers/keyspace/testing/id-corpus.ts';

const settings = defaultDetectorsConfig(); // 6 h horizon and window, 5-min points, 1 h history
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;
const STEP = 60_000; // one INFO sample a minute is enough to exercise 5-minute buckets

function info(ts: number, usedBytes: number, opts: { maxmemory?: number; policy?: string; role?: string } = {}) {
  return {
    v: 1,
    kind: 'info',
    ts,
    collector: 'c',
    durationUs: 1,
    role: opts.role ?? 'master',
    instance: { id: '127.0.0.1:7000', host: '127.0.0.1', port: 7000, cluster: 'orders' },
    fields: {
      used_memory: usedBytes,
      used_memory_rss: usedBytes * 1.1,
      mem_not_counted_for_evict: 0,
      maxmemory: opts.maxmemory ?? 4 * GiB,
      total_system_memory: 24 * GiB,
    },
    text: { maxmemory_policy: opts.policy ?? 'noeviction' },
    commands: [],
    errors: [],
    keyspace: [],
    replicas: [],
  } as InfoSampleV1;
}

/** A memory curve sampled every minute for `hours`: `bytesAt(hoursSinceStart)`. */
function curve(hours: number, bytesAt: (h: number) => number, opts?: Parameters<typeof info>[2]): InfoSampleV1[] {
  return Array.from({ length: Math.round((hours * HOUR) / STEP) }, (_, i) =>
    info(T0 + i * STEP, bytesAt((i * STEP) / HOUR), opts),
  );
}

/** Feeds samples the way the runner does; returns the events with the hour they came at, and the last state. */
function feed(samples: InfoSampleV1[], start?: MemoryForecastState) {
  let state = start;
  const events: Array<{ hour: number; e: AlertEventV1 }> = [];
  for (const m of samples) {
    if (memoryForecastDetector.subject(m) === undefined) continue;
    const r = memoryForecastDetector.observe(m, state, { now: m.ts, settings });
    state = r.state;
    for (const e of r.events) events.push({ hour: (m.ts - T0) / HOUR, e });
  }
  return { events, state };
}

const noise = (amplitude: number, seed = 1) => {
  const rnd = seededRandom(seed);
  return () => (rnd() * 2 - 1) * amplitude;
};

describe('memory forecast detector', () => {
  it('fires once on a steady ramp, naming the time left, the rate and what the policy will do', () => {
    // 3 GiB of 4 GiB, +120 MiB/h with ±4 MiB of noise: the limit is 8.5 h away at the start,
    // within the 6 h horizon after 2.5 h.
    const jitter = noise(4 * MiB);
    const { events } = feed(curve(5, (h) => 3 * GiB + h * 120 * MiB + jitter()));
    expect(events).toHaveLength(1);
    const { hour, e } = events[0]!;
    expect(e).toMatchObject({
      rule: 'memory-forecast',
      status: 'firing',
      severity: 'critical',
      instance: '127.0.0.1:7000',
    });
    expect(hour).toBeGreaterThan(2.4);
    expect(hour).toBeLessThan(3);
    expect(e.summary).toMatch(
      /^127\.0\.0\.1:7000 reaches maxmemory in ~(5\.\d|6) h at \+1(19|20)\.\d MiB\/h; policy noeviction → writes will fail$/,
    );
    expect(e.labels).toEqual({ limit: 'maxmemory', policy: 'noeviction' });
    expect(e.details).toContain('maxmemory: 4.0 GiB');
  });

  it('never fires on a flat line, however close to the limit', () => {
    const jitter = noise(20 * MiB, 2);
    expect(feed(curve(24, () => 3.9 * GiB + jitter())).events).toEqual([]);
  });

  it('never fires on a sawtooth that does not grow (a cache filled and flushed every hour)', () => {
    expect(feed(curve(24, (h) => 3 * GiB + (h % 1) * 800 * MiB)).events).toEqual([]);
  });

  it('never fires on a one-off jump (a bulk load), flat before and after', () => {
    expect(feed(curve(12, (h) => (h < 4 ? 2 * GiB : 3.8 * GiB))).events).toEqual([]);
  });

  it('fires on noisy growth: ±15 % of an hour’s growth around a +200 MiB/h trend', () => {
    const jitter = noise(30 * MiB, 3);
    const { events } = feed(curve(6, (h) => 2.5 * GiB + h * 200 * MiB + jitter()));
    expect(events.map((x) => x.e.status)).toEqual(['firing']);
  });

  it('fires on a sawtooth riding a fast rise: the peaks climb towards the limit too', () => {
    const { events } = feed(curve(6, (h) => 2.5 * GiB + h * 250 * MiB + (h % 0.5) * 100 * MiB));
    expect(events.map((x) => x.e.status)).toEqual(['firing']);
  });

  it('ignores growth far from the limit and growth slower than minGrowthBytesPerHour', () => {
    expect(feed(curve(12, (h) => 100 * MiB + h * 20 * MiB)).events).toEqual([]); // ~190 h away
    expect(feed(curve(12, (h) => 4 * GiB - 2 * MiB + h * 0.1 * MiB)).events).toEqual([]);
  });

  it('resolves when growth stops, within the window’s last third plus two points', () => {
    const stopAt = 4;
    const jitter = noise(3 * MiB, 4);
    const { events } = feed(curve(10, (h) => 3 * GiB + Math.min(h, stopAt) * 120 * MiB + jitter()));
    expect(events.map((x) => x.e.status)).toEqual(['firing', 'resolved']);
    const resolvedAt = events[1]!.hour;
    expect(resolvedAt).toBeGreaterThan(stopAt);
    expect(resolvedAt).toBeLessThan(stopAt + 2.5);
    expect(events[1]!.e.summary).toContain('no longer growing steadily');
  });

  it('resolves when maxmemory is raised and the projection recedes', () => {
    const ramp = (h: number) => 3 * GiB + h * 120 * MiB;
    const fired = feed(curve(4, ramp));
    expect(fired.events.map((x) => x.e.status)).toEqual(['firing']);
    const later = curve(5, ramp).slice(Math.round((4 * HOUR) / STEP));
    const raised = later.map((m) => ({ ...m, fields: { ...m.fields, maxmemory: 16 * GiB } }));
    const { events } = feed(raised, fired.state);
    expect(events.map((x) => x.e.status)).toEqual(['resolved']);
    expect(events[0]!.e.summary).toMatch(/maxmemory now ~[\d.]+ (h|d) away/);
  });

  it('projects against the host memory when maxmemory is 0, as critical', () => {
    const { events } = feed(curve(5, (h) => 18 * GiB + h * 600 * MiB, { maxmemory: 0, policy: 'noeviction' }));
    expect(events).toHaveLength(1);
    expect(events[0]!.e.severity).toBe('critical');
    expect(events[0]!.e.summary).toMatch(
      /reaches host memory in ~[\d.]+ h at .*maxmemory is 0 → the host runs out of memory/,
    );
    expect(events[0]!.e.labels.limit).toBe('host');
  });

  it('names evictions for an allkeys policy, as a warning', () => {
    const { events } = feed(curve(5, (h) => 3 * GiB + h * 120 * MiB, { policy: 'allkeys-lru' }));
    expect(events[0]!.e.severity).toBe('warning');
    expect(events[0]!.e.summary).toContain('policy allkeys-lru → keys will be evicted');
  });

  it('watches masters only', () => {
    expect(feed(curve(5, (h) => 3 * GiB + h * 120 * MiB, { role: 'replica' })).events).toEqual([]);
  });

  it('keeps a bounded state that changes only once per 5-minute point', () => {
    const samples = curve(48, (h) => GiB + h * MiB);
    let state: MemoryForecastState | undefined;
    let changes = 0;
    for (const m of samples) {
      const r = memoryForecastDetector.observe(m, state, { now: m.ts, settings });
      if (r.state !== state) changes++;
      state = r.state;
    }
    expect(state!.points.length).toBeLessThanOrEqual(
      settings.memoryForecast.windowMs / settings.memoryForecast.bucketMs,
    );
    const buckets = new Set(samples.map((m) => Math.floor(m.ts / settings.memoryForecast.bucketMs)));
    expect(changes).toBe(buckets.size);
    expect(JSON.stringify(state).length).toBeLessThan(4000);
  });

  it('starts over after a restart: the emptied instance is not a drop in the trend', () => {
    const before = feed(curve(3, (h) => 3 * GiB + h * 120 * MiB));
    const restart = info(T0 + 3 * HOUR + STEP, 10 * MiB);
    restart.counterReset = true;
    const after = memoryForecastDetector.observe(restart, before.state, { now: restart.ts, settings });
    expect(after.state!.points).toHaveLength(1);
  });
});

describe('formatDuration', () => {
  it.each([
    [30_000, '30 s'],
    [45 * 60_000, '45 min'],
    [3 * HOUR, '3 h'],
    [1.5 * HOUR, '1.5 h'],
    [30 * HOUR, '30 h'],
    [72 * HOUR, '3 d'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
