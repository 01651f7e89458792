import { describe, expect, it } from 'vitest';
import type { AlertEventV1 } from '../contracts/index.ts';
import type { SilencedItem } from './compose.ts';
import { owedNotice } from './lifecycle.ts';
import { OwnedStates } from './owned-states.ts';
import { alertEvent, TIMING } from './testing/events.ts';
import type { OwnedState } from './store.ts';

const timing = TIMING;

function event(status: 'firing' | 'resolved', ts: number, over: Partial<AlertEventV1> = {}): AlertEventV1 {
  return alertEvent(status, ts, {
    rule: 'instance-down',
    cluster: 'orders',
    summary: 'instance 10.0.0.1:7000 does not answer',
    ...over,
  });
}

const failover = (status: 'firing' | 'resolved', ts: number) =>
  event(status, ts, { fingerprint: 'failover-1', rule: 'failover', lifecycle: 'event' });

function silencedBy(silenceId: string, s: OwnedState, kind: 'firing' | 'resolved' = 'firing'): SilencedItem {
  return {
    item: { fingerprint: s.fingerprint, groupKey: 'g', kind, dueMs: s.changedAtMs, stamp: `${s.firingSinceMs}` },
    receiver: 'ops',
    silenceId,
  };
}

describe('OwnedStates', () => {
  it('an event for a new fingerprint creates its state on the event’s partition and says it fired', () => {
    const states = new OwnedStates(timing);
    const { state, transition } = states.apply(event('firing', 1000), 3, 5000);
    expect(transition).toBe('fired');
    expect(state).toMatchObject({ fingerprint: 'fp-1', partition: 3, status: 'firing', changedAtMs: 5000 });
    expect(states.get('fp-1')).toEqual(state);
    expect(states.size).toBe(1);
    expect(states.firing()).toBe(1);
  });

  it('a later event updates the state and returns the transition', () => {
    const states = new OwnedStates(timing);
    states.apply(event('firing', 1000), 0, 5000);
    const { state, transition } = states.apply(event('resolved', 2000), 0, 6000);
    expect(transition).toBe('resolved');
    expect(state.status).toBe('resolved');
    expect(states.get('fp-1')!.status).toBe('resolved');
    expect(states.firing()).toBe(0);
  });

  it('a stale event leaves the state as it was, and is counted', () => {
    const states = new OwnedStates(timing);
    states.apply(event('firing', 2000), 0, 5000);
    const before = states.get('fp-1');
    const { transition } = states.apply(event('resolved', 1000), 0, 6000);
    expect(transition).toBe('stale');
    expect(states.get('fp-1')).toEqual(before);
    expect(states.counts).toEqual({ stale: 1, duplicates: 0, silenced: 0 });
  });

  it('counters count stale and duplicate events, not the ones that change something', () => {
    const states = new OwnedStates(timing);
    states.apply(event('firing', 1000), 0, 1000); // fired
    states.apply(event('firing', 2000), 0, 2000); // duplicate
    states.apply(event('firing', 3000), 0, 3000); // duplicate
    states.apply(event('firing', 500), 0, 3500); // stale
    states.apply(event('resolved', 4000), 0, 4000); // resolved
    expect(states.counts).toEqual({ stale: 1, duplicates: 2, silenced: 0 });
  });

  it('only the states of loaded partitions are composable; clear forgets states and loads', () => {
    const states = new OwnedStates(timing);
    states.apply(event('firing', 1000, { fingerprint: 'a' }), 0, 1000);
    states.apply(event('firing', 1000, { fingerprint: 'b' }), 1, 1000);
    expect(states.composable()).toEqual([]);
    states.loaded(1, []);
    expect(states.composable().map((s) => s.fingerprint)).toEqual(['b']);
    const fromStore = { ...states.get('a')!, fingerprint: 'c', partition: 0 };
    states.loaded(0, [fromStore]);
    expect(states.composable().map((s) => s.fingerprint)).toEqual(['a', 'b', 'c']);
    states.clear();
    expect(states.size).toBe(0);
    states.apply(event('firing', 1000, { fingerprint: 'd' }), 1, 1000);
    expect(states.composable()).toEqual([]); // partition 1 must be loaded again
  });

  it('sent: returns the states as notified but keeps them only when told to', () => {
    const states = new OwnedStates(timing);
    states.apply(event('firing', 1000), 2, 1000);
    expect(owedNotice(states.get('fp-1')!, timing)?.kind).toBe('firing');
    const notified = states.sent(
      [
        { fingerprint: 'fp-1', kind: 'firing' },
        { fingerprint: 'gone', kind: 'firing' },
      ],
      1200,
    );
    expect(notified).toHaveLength(1);
    expect(notified[0]).toMatchObject({ fingerprint: 'fp-1', partition: 2, notifiedStatus: 'firing' });
    expect(owedNotice(states.get('fp-1')!, timing)?.kind).toBe('firing'); // not kept yet
    states.keep(notified);
    expect(owedNotice(states.get('fp-1')!, timing)).toMatchObject({
      kind: 'repeat',
      dueMs: 1200 + timing.repeatIntervalMs,
    });
  });

  it('silenced: an event’s message is settled for good and recorded; a condition’s stays owed and is recorded once', () => {
    const states = new OwnedStates(timing);
    states.apply(failover('firing', 1000), 0, 1000);
    states.apply(event('firing', 1000), 0, 1000);
    const fo = states.get('failover-1')!;
    const down = states.get('fp-1')!;

    const first = states.silenced([silencedBy('s-1', fo), silencedBy('s-1', down)], 1200);
    expect(first.toRecord.map((r) => [r.state.fingerprint, r.silenceId])).toEqual([
      ['failover-1', 's-1'],
      ['fp-1', 's-1'],
    ]);
    expect(first.toRecord[0]!.state).toBe(fo); // recorded as it was when the message fell due
    expect(first.settled.map((s) => s.fingerprint)).toEqual(['failover-1']);
    expect(owedNotice(states.get('failover-1')!, timing)?.kind).not.toBe('firing'); // settled
    expect(owedNotice(states.get('fp-1')!, timing)?.kind).toBe('firing');

    const again = states.silenced([silencedBy('s-1', down)], 1250);
    expect(again).toEqual({ toRecord: [], settled: [] });
    const otherSilence = states.silenced([silencedBy('s-2', down)], 1300);
    expect(otherSilence.toRecord).toHaveLength(1);
    expect(states.counts.silenced).toBe(3);
  });

  it('unrouted: each fingerprint is reported once', () => {
    const states = new OwnedStates(timing);
    states.apply(event('firing', 1000), 0, 1000);
    expect(states.unrouted(['fp-1']).map((s) => s.fingerprint)).toEqual(['fp-1']);
    expect(states.unrouted(['fp-1'])).toEqual([]);
  });

  it('a resolved state owed nothing is forgotten once its cooldown has passed; a firing one is kept', () => {
    const states = new OwnedStates(timing);
    states.apply(event('firing', 1000), 0, 1000);
    states.apply(event('resolved', 2000), 0, 2000); // resolved before any message: owes nothing
    states.apply(event('firing', 1000, { fingerprint: 'still-firing' }), 0, 1000);
    states.forgetIdle(2000 + timing.cooldownMs);
    expect(states.get('fp-1')).toBeDefined(); // not yet past its cooldown
    states.forgetIdle(2000 + timing.cooldownMs + 1);
    expect(states.get('fp-1')).toBeUndefined();
    expect(states.get('still-firing')).toBeDefined();
    expect(states.size).toBe(1);
  });

  it('a resolved state still owed its resolved message is not forgotten', () => {
    const states = new OwnedStates(timing);
    states.apply(event('firing', 1000), 0, 1000);
    states.keep(states.sent([{ fingerprint: 'fp-1', kind: 'firing' }], 1200));
    states.apply(event('resolved', 2000), 0, 2000);
    states.forgetIdle(10 * timing.cooldownMs);
    expect(states.get('fp-1')).toBeDefined();
  });
});
