// The alert lifecycle, per fingerprint, as pure functions: what an event does to the
// state, which message (if any) the state is owed and from when, and what sending it
// changes. No clocks, no I/O: the manager passes `nowMs` (its own clock) and stores the
// state. Detector time (`event.ts`) is only shown to people and orders events.
//
// Rules, in the order they bite:
// - Dedup: a `firing` for a firing fingerprint (or `resolved` for a resolved one) sends nothing.
// - Stale: an event older than the last one applied is ignored (replays after a crash).
// - Cooldown: after a resolved message, a re-fire waits until `cooldownMs` after that
//   message; if it resolves again meanwhile nothing is sent at all. Once a firing message
//   has reported flapping, its resolved message waits for the cooldown too. So a node
//   that keeps flapping gets about one message per cooldown, each saying how often it
//   flapped, while an alert that fires once and resolves once is told at once.
// - A resolved is only announced if its firing was announced — except for rules whose every
//   occurrence matters (a failover): one detected only after it was over (the processor
//   owning the cluster's partition died meanwhile, and its successor read the promotion and
//   the recovery together) is announced once, by its resolved message.
// - Repeat: a firing alert already announced is reminded every `repeatIntervalMs`.
import type { AlertEventV1 } from '../contracts/index.ts';
import type { NoticeKind } from './types.ts';

export interface Timing {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  cooldownMs: number;
}

/** What the channel was last told about this fingerprint. */
export type NotifiedStatus = 'none' | 'firing' | 'resolved';

export interface AlertState {
  fingerprint: string;
  /** The latest event (content for messages). */
  event: AlertEventV1;
  status: 'firing' | 'resolved';
  /** Detector time the current or last firing began. */
  firingSinceMs: number;
  /** Detector time it resolved; 0 while firing. */
  resolvedAtMs: number;
  /** Detector time of the last applied event: older events are stale. */
  lastEventTsMs: number;
  /** Manager time the status last changed: owed messages are timed from it. */
  changedAtMs: number;
  notifiedStatus: NotifiedStatus;
  /** Manager time of the last message about it; 0 = never. */
  lastNotifiedMs: number;
  /** Re-fires since the last message about it. */
  flaps: number;
  /** The last firing message reported flapping: its resolved message waits for the cooldown. */
  notifiedFlapping: boolean;
  /** Increases with every change; ClickHouse keeps the highest (ReplacingMergeTree). */
  version: number;
}

export type Transition =
  | 'fired' // first firing, or firing after resolved (a flap when it comes back quickly)
  | 'resolved'
  | 'updated' // still firing, content changed (severity, summary…): stored, not sent
  | 'duplicate' // nothing new
  | 'stale' // older than what was applied
  | 'resolved-unknown'; // resolved for a fingerprint never seen firing: recorded, not sent

export interface Applied {
  state: AlertState;
  transition: Transition;
}

function content(e: AlertEventV1): string {
  const { ts: _ts, status: _status, ...rest } = e;
  return JSON.stringify(rest);
}

export function applyEvent(prev: AlertState | undefined, event: AlertEventV1, nowMs: number): Applied {
  if (!prev) {
    const firing = event.status === 'firing';
    return {
      transition: firing ? 'fired' : 'resolved-unknown',
      state: {
        fingerprint: event.fingerprint,
        event,
        status: event.status,
        firingSinceMs: event.ts,
        resolvedAtMs: firing ? 0 : event.ts,
        lastEventTsMs: event.ts,
        changedAtMs: nowMs,
        notifiedStatus: 'none',
        lastNotifiedMs: 0,
        flaps: 0,
        notifiedFlapping: false,
        version: 1,
      },
    };
  }
  if (event.ts < prev.lastEventTsMs) return { state: prev, transition: 'stale' };
  const next = { ...prev, event, lastEventTsMs: event.ts, version: prev.version + 1 };
  if (event.status === prev.status) {
    if (content(event) === content(prev.event))
      return { state: { ...prev, lastEventTsMs: event.ts }, transition: 'duplicate' };
    return { state: next, transition: 'updated' };
  }
  if (event.status === 'resolved') {
    return {
      state: { ...next, status: 'resolved', resolvedAtMs: event.ts, changedAtMs: nowMs },
      transition: 'resolved',
    };
  }
  return {
    state: {
      ...next,
      status: 'firing',
      firingSinceMs: event.ts,
      resolvedAtMs: 0,
      changedAtMs: nowMs,
      flaps: prev.flaps + 1,
    },
    transition: 'fired',
  };
}

export interface Owed {
  kind: NoticeKind;
  /** Manager time from which the message is owed (before grouping delays). */
  dueMs: number;
}

/** Rules announced even when they were over before their firing could be sent. */
const ANNOUNCED_WHEN_OVER: ReadonlySet<string> = new Set(['failover']);

/** The message this state is owed, possibly in the future; null when the channel is up to date. */
export function owedNotice(s: AlertState, t: Timing): Owed | null {
  if (s.status === 'firing') {
    if (s.notifiedStatus === 'firing') return { kind: 'repeat', dueMs: s.lastNotifiedMs + t.repeatIntervalMs };
    if (s.notifiedStatus === 'resolved')
      return { kind: 'firing', dueMs: Math.max(s.changedAtMs, s.lastNotifiedMs + t.cooldownMs) };
    return { kind: 'firing', dueMs: s.changedAtMs };
  }
  // It fired and is over, and the channel never heard of it (not a resolved-unknown: that
  // one never fired, firingSinceMs = resolvedAtMs).
  if (s.notifiedStatus === 'none' && ANNOUNCED_WHEN_OVER.has(s.event.rule) && s.resolvedAtMs > s.firingSinceMs)
    return { kind: 'resolved', dueMs: s.changedAtMs };
  // Resolved: worth a message only if the channel still believes it is firing.
  if (s.notifiedStatus === 'firing')
    return {
      kind: 'resolved',
      dueMs: s.notifiedFlapping ? Math.max(s.changedAtMs, s.lastNotifiedMs + t.cooldownMs) : s.changedAtMs,
    };
  return null;
}

export function markNotified(s: AlertState, kind: NoticeKind, nowMs: number): AlertState {
  const notifiedFlapping = kind === 'resolved' ? false : kind === 'firing' ? s.flaps > 0 : s.notifiedFlapping;
  return {
    ...s,
    notifiedStatus: kind === 'resolved' ? 'resolved' : 'firing',
    lastNotifiedMs: nowMs,
    flaps: 0,
    notifiedFlapping,
    version: s.version + 1,
  };
}

/**
 * True when the state no longer affects any decision and may leave memory (it stays in
 * ClickHouse): resolved, nothing owed, and past its cooldown. A later firing of the same
 * fingerprint starts afresh, exactly as it would with the state kept.
 */
export function isIdle(s: AlertState, nowMs: number, t: Timing): boolean {
  if (s.status !== 'resolved' || owedNotice(s, t) !== null) return false;
  return nowMs > Math.max(s.changedAtMs, s.lastNotifiedMs) + t.cooldownMs;
}
