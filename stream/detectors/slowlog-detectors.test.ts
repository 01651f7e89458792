import { describe, expect, it } from 'vitest';
import { defaultDetectorsConfig } from '../../common/config-detectors.ts';
import type { SlowlogEntry, SlowlogSampleV1 } from '../../contracts/index.ts';
import { blockingCommandDetector, slowlogStormDetector } from './slowlog-detectors.ts';

const settings = defaultDetectorsConfig();
const instance = { id: '10.0.0.1:7000', host: '10.0.0.1', port: 7000, cluster: 'orders' };
const entry = (id: number, command: string, durationUs: number, atS: number): SlowlogEntry => ({
  id,
  loggedAtS: atS,
  durationUs,
  command,
  args: ['user:*'],
  argCount: 2,
  argsTruncated: false,
  clientAddr: '10.0.0.9:5000',
  clientName: 'checkout',
});
const slowlog = (ts: number, entries: SlowlogEntry[]): SlowlogSampleV1 =>
  ({ v: 1, kind: 'slowlog', ts, instance, collector: 'c', runId: 'r', entries, reset: false }) as SlowlogSampleV1;

function run<M, S>(
  d: {
    observe(
      m: M,
      s: S | undefined,
      c: { now: number; settings: typeof settings },
    ): { state: S | undefined; events: { status: string; summary: string }[] };
  },
  ms: Array<[number, M]>,
) {
  let state: S | undefined;
  const out: { status: string; summary: string }[] = [];
  for (const [now, m] of ms) {
    const r = d.observe(m, state, { now, settings });
    state = r.state;
    out.push(...r.events);
  }
  return out;
}

describe('blocking command detector', () => {
  it('a KEYS that blocked for 2 s fires once, naming the command, and resolves after 10 quiet minutes', () => {
    const t = 1_700_000_000_000;
    const events = run(blockingCommandDetector, [
      [t, slowlog(t, [entry(1, 'keys', 2_000_000, t / 1000)])],
      [t + 5000, slowlog(t + 5000, [entry(2, 'keys', 1_500_000, t / 1000 + 5)])],
      [t + 700_000, slowlog(t + 700_000, [])],
    ]);
    expect(events.map((e) => e.status)).toEqual(['firing', 'resolved']);
    expect(events[0]!.summary).toBe('KEYS blocked 10.0.0.1:7000 for 2000 ms');
  });

  it('ignores a short GET and a watched command under the duration threshold', () => {
    const t = 1_700_000_000_000;
    expect(
      run(blockingCommandDetector, [
        [t, slowlog(t, [entry(1, 'get', 5_000_000, t / 1000), entry(2, 'keys', 20_000, t / 1000)])],
      ]),
    ).toEqual([]);
  });
});

describe('slowlog storm detector', () => {
  it('fires when 50 slow entries land within a minute', () => {
    const t = 1_700_000_000_000;
    const entries = Array.from({ length: 60 }, (_, i) => entry(i, 'hgetall', 20_000, t / 1000));
    const events = run(slowlogStormDetector, [
      [t, slowlog(t, entries.slice(0, 30))],
      [t + 5000, slowlog(t + 5000, entries.slice(30))],
    ]);
    expect(events.map((e) => e.status)).toEqual(['firing']);
  });
});
