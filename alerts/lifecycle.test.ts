import { describe, expect, it } from 'vitest';
import { compose } from './compose.ts';
import { alertEvent, TIMING } from './testing/events.ts';
import { planFlushes, type OwedItem } from './grouping.ts';
import {
  applyEvent,
  isIdle,
  markNotified,
  markSilenced,
  owedNotice,
  type AlertState,
  type Timing,
} from './lifecycle.ts';
import type { NoticeKind } from './types.ts';

const timing = TIMING;
const event = alertEvent;

/**
 * Drives one fingerprint through a timeline the way the manager does: apply events, and
 * after each step send whatever is due (ignoring grouping). Returns what was sent, when.
 */
function simulate(
  steps: Array<{ atMs: number; status?: 'firing' | 'resolved' }>,
  t: Timing = timing,
  untilMs?: number,
): Array<{ atMs: number; kind: NoticeKind; flaps: number }> {
  let s: AlertState | undefined;
  const sent: Array<{ atMs: number; kind: NoticeKind; flaps: number }> = [];
  const sendDue = (nowMs: number) => {
    const owed = s && owedNotice(s, t);
    if (s && owed && owed.dueMs <= nowMs) {
      sent.push({ atMs: nowMs, kind: owed.kind, flaps: s.flaps });
      s = markNotified(s, owed.kind, nowMs);
    }
  };
  const end = untilMs ?? steps.at(-1)?.atMs ?? 0;
  let i = 0;
  // Tick once a second, like a manager timer would (coarser, but enough for minute-scale rules).
  for (let now = 0; now <= end; now += 1000) {
    while (i < steps.length && steps[i]!.atMs <= now) {
      const step = steps[i++]!;
      if (step.status) s = applyEvent(s, event(step.status, step.atMs), now).state;
    }
    sendDue(now);
  }
  return sent;
}

describe('alert lifecycle', () => {
  it('a new firing alert is owed a firing message at once', () => {
    const { state, transition } = applyEvent(undefined, event('firing', 1000), 5000);
    expect(transition).toBe('fired');
    expect(owedNotice(state, timing)).toEqual({ kind: 'firing', dueMs: 5000, urgent: false });
  });

  it('the same firing again is a duplicate and owes nothing new', () => {
    let s = applyEvent(undefined, event('firing', 1000), 1000).state;
    s = markNotified(s, 'firing', 1200);
    const again = applyEvent(s, event('firing', 2000), 2000);
    expect(again.transition).toBe('duplicate');
    expect(owedNotice(again.state, timing)).toEqual({
      kind: 'repeat',
      dueMs: 1200 + timing.repeatIntervalMs,
      urgent: false,
    });
  });

  it('a firing with new content is an update: stored, not sent', () => {
    let s = applyEvent(undefined, event('firing', 1000), 1000).state;
    s = markNotified(s, 'firing', 1200);
    const changed = applyEvent(s, event('firing', 2000, { summary: 'now 3 replicas lag' }), 2000);
    expect(changed.transition).toBe('updated');
    expect(changed.state.event.summary).toBe('now 3 replicas lag');
    expect(changed.state.version).toBeGreaterThan(s.version);
    expect(owedNotice(changed.state, timing)?.kind).toBe('repeat');
  });

  it('an event older than the last applied one is stale (a replay after a crash)', () => {
    let s = applyEvent(undefined, event('firing', 1000), 1000).state;
    s = applyEvent(s, event('resolved', 3000), 3000).state;
    const replayed = applyEvent(s, event('firing', 1000), 4000);
    expect(replayed.transition).toBe('stale');
    expect(replayed.state).toBe(s);
  });

  it('resolved after an announced firing is owed a resolved message; a never-announced one is not', () => {
    const state = { rule: 'cluster-state' }; // a short cluster_state fail nobody was told about stays untold
    let s = applyEvent(undefined, event('firing', 1000, state), 1000).state;
    const unannounced = applyEvent(s, event('resolved', 2000, state), 2000).state;
    expect(owedNotice(unannounced, timing)).toBeNull();
    s = markNotified(s, 'firing', 1100);
    const resolved = applyEvent(s, event('resolved', 2000, state), 2000);
    expect(resolved.transition).toBe('resolved');
    expect(owedNotice(resolved.state, timing)).toEqual({ kind: 'resolved', dueMs: 2000, urgent: false });
  });

  it('a failover over before its firing was announced (a successor processor read both at once) still gets one message, saying both', () => {
    const failover = (status: 'firing' | 'resolved', ts: number) => ({
      ...event(status, ts),
      lifecycle: 'event' as const,
    });
    let s = applyEvent(undefined, failover('firing', 1000), 1000).state;
    s = applyEvent(s, failover('resolved', 4000), 1001).state;
    expect(owedNotice(s, timing)).toEqual({ kind: 'firing', dueMs: 1000, urgent: true });
    expect(owedNotice(markNotified(s, 'firing', 1002), timing)).toBeNull();
    // A resolved for a failover never seen firing still owes nothing.
    expect(owedNotice(applyEvent(undefined, failover('resolved', 4000), 4000).state, timing)).toBeNull();
  });

  it('a resolved for an unknown fingerprint is recorded but owes nothing', () => {
    const { state, transition } = applyEvent(undefined, event('resolved', 1000), 1000);
    expect(transition).toBe('resolved-unknown');
    expect(owedNotice(state, timing)).toBeNull();
  });

  it('a long-firing alert is reminded once per repeat interval', () => {
    const sent = simulate([{ atMs: 0, status: 'firing' }], timing, 9 * 3_600_000);
    expect(sent.map((s) => s.kind)).toEqual(['firing', 'repeat', 'repeat']);
    expect(sent[1]!.atMs).toBe(timing.repeatIntervalMs);
  });

  it('a re-fire within the cooldown after a resolved message waits until the cooldown ends', () => {
    const sent = simulate([
      { atMs: 0, status: 'firing' },
      { atMs: 10_000, status: 'resolved' },
      { atMs: 20_000, status: 'firing' },
      { atMs: 400_000 },
    ]);
    expect(sent).toEqual([
      { atMs: 0, kind: 'firing', flaps: 0 },
      { atMs: 10_000, kind: 'resolved', flaps: 0 },
      { atMs: 10_000 + timing.cooldownMs, kind: 'firing', flaps: 1 },
    ]);
  });

  it('a node flapping every 10 s for an hour sends about one message per cooldown, each saying it flapped', () => {
    const steps: Array<{ atMs: number; status: 'firing' | 'resolved' }> = [];
    for (let t = 0; t < 3_600_000; t += 10_000)
      steps.push({ atMs: t, status: (t / 10_000) % 2 === 0 ? 'firing' : 'resolved' });
    const sent = simulate(steps, timing, 3_600_000);
    // The first firing and resolved go out at once; after that, one message per cooldown at most.
    expect(sent.slice(0, 2).map((s) => s.kind)).toEqual(['firing', 'resolved']);
    for (let i = 3; i < sent.length; i++)
      expect(sent[i]!.atMs - sent[i - 1]!.atMs).toBeGreaterThanOrEqual(timing.cooldownMs);
    expect(sent.length).toBeLessThanOrEqual(2 + 3_600_000 / timing.cooldownMs);
    expect(sent.length).toBeGreaterThan(4); // still reported, not silenced
    expect(
      sent
        .filter((s) => s.kind === 'firing')
        .slice(1)
        .every((s) => s.flaps > 0),
    ).toBe(true);
  });

  it('after a flapping firing message, its resolved message waits for the cooldown', () => {
    const sent = simulate(
      [
        { atMs: 0, status: 'firing' },
        { atMs: 10_000, status: 'resolved' },
        { atMs: 20_000, status: 'firing' }, // flap: held until 310 s
        { atMs: 320_000, status: 'resolved' }, // after a flapping message: held until 610 s
      ],
      timing,
      700_000,
    );
    expect(sent.map((s) => [s.atMs, s.kind])).toEqual([
      [0, 'firing'],
      [10_000, 'resolved'],
      [310_000, 'firing'],
      [610_000, 'resolved'],
    ]);
  });

  it('a flap that resolves again within the cooldown sends nothing at all', () => {
    const sent = simulate(
      [
        { atMs: 0, status: 'firing' },
        { atMs: 5000, status: 'resolved' },
        { atMs: 10_000, status: 'firing' },
        { atMs: 15_000, status: 'resolved' },
      ],
      timing,
      1_000_000,
    );
    expect(sent.map((s) => s.kind)).toEqual(['firing', 'resolved']);
  });

  it('a failover a silence held back: nothing about it when the silence ends (no resolved, cause or reminder); the next one is announced', () => {
    const failover = (status: 'firing' | 'resolved', ts: number, labels: Record<string, string> = {}) =>
      event(status, ts, { lifecycle: 'event', labels });
    let s = applyEvent(undefined, failover('firing', 1000), 1000).state;
    expect(owedNotice(s, timing)?.kind).toBe('firing');
    s = markSilenced(s, 1200); // the silence held its firing message back
    expect(owedNotice(s, timing)).toBeNull();
    expect(owedNotice({ ...s, lastNotifiedMs: 0 }, timing)).toBeNull(); // no reminder, however long it fires
    const withCause = applyEvent(s, failover('firing', 2000, { cause: 'DEBUG SLEEP ? ran 8,000 ms' }), 2000);
    expect(owedNotice(withCause.state, timing)).toBeNull();
    const resolved = applyEvent(withCause.state, failover('resolved', 25_000), 25_000);
    expect(resolved.transition).toBe('resolved');
    expect(owedNotice(resolved.state, timing)).toBeNull();
    const next = applyEvent(resolved.state, failover('firing', 400_000), 400_000);
    expect(owedNotice(next.state, timing)).toMatchObject({ kind: 'firing', urgent: true });
  });

  it('a resolved state past its cooldown with nothing owed may leave memory', () => {
    let s = applyEvent(undefined, event('firing', 0), 0).state;
    s = markNotified(s, 'firing', 0);
    s = applyEvent(s, event('resolved', 1000), 1000).state;
    expect(isIdle(s, 2000, timing)).toBe(false); // still owes the resolved message
    s = markNotified(s, 'resolved', 2000);
    expect(isIdle(s, 3000, timing)).toBe(false); // inside the cooldown
    expect(isIdle(s, 2000 + timing.cooldownMs + 1, timing)).toBe(true);
  });
});

describe('grouping', () => {
  const item = (fingerprint: string, groupKey: string, dueMs: number, kind: NoticeKind = 'firing'): OwedItem => ({
    fingerprint,
    groupKey,
    dueMs,
    kind,
  });

  it('a new group waits groupWaitMs after its first owed alert, then takes everything due', () => {
    const items = [item('a', 'g', 1000), item('b', 'g', 1100)];
    expect(planFlushes(items, new Map(), 1100, timing)).toEqual({ ready: new Map(), nextWakeMs: 1200 });
    expect(
      planFlushes(items, new Map(), 1200, timing)
        .ready.get('g')
        ?.map((i) => i.fingerprint),
    ).toEqual(['a', 'b']);
  });

  it('a group that sent recently waits out its group interval', () => {
    const plan = planFlushes([item('a', 'g', 5000)], new Map([['g', 1000]]), 6000, timing);
    expect(plan.ready.size).toBe(0);
    expect(plan.nextWakeMs).toBe(1000 + timing.groupIntervalMs);
  });

  it('items due later only set the wake-up time', () => {
    const plan = planFlushes([item('a', 'g', 50_000, 'repeat')], new Map(), 1000, timing);
    expect(plan).toEqual({ ready: new Map(), nextWakeMs: 50_000 });
  });

  it('alerts of one cluster and rule become one message; another cluster is another message', () => {
    const config = {
      ...timing,
      grafanaUrl: 'http://grafana:3000',
      apiUrl: 'http://api:8080',
      routes: [{ match: {}, receiver: 'ops' }],
      receivers: [{ name: 'ops', type: 'slack' as const, url: 'https://hooks.example/services/T/B/X' }],
    };
    const states = [
      applyEvent(undefined, event('firing', 0, { fingerprint: 'a', instance: '10.0.0.1:7000' }), 0).state,
      applyEvent(undefined, event('firing', 0, { fingerprint: 'b', instance: '10.0.0.2:7000' }), 0).state,
      applyEvent(undefined, event('firing', 0, { fingerprint: 'c', cluster: 'other' }), 0).state,
    ];
    const { messages } = compose(states, new Map(), timing.groupWaitMs, config);
    expect(messages.map((m) => [m.notification.cluster, m.notification.fingerprints])).toEqual([
      ['prod', ['a', 'b']],
      ['other', ['c']],
    ]);
    expect(messages[0]!.notification.id).toBe(
      compose(states, new Map(), timing.groupWaitMs + 5, config).messages[0]!.notification.id,
    );
  });

  it('an alert no route matches is reported as unrouted and never scheduled', () => {
    const config = {
      ...timing,
      grafanaUrl: 'http://g',
      apiUrl: 'http://a',
      routes: [{ match: { cluster: 'prod' }, receiver: 'ops' }],
      receivers: [{ name: 'ops', type: 'slack' as const, url: 'https://h/x' }],
    };
    const s = applyEvent(undefined, event('firing', 0, { cluster: 'staging' }), 0).state;
    expect(compose([s], new Map(), 1000, config)).toEqual({
      messages: [],
      nextWakeMs: null,
      unrouted: ['fp-1'],
      silenced: [],
    });
  });
});
