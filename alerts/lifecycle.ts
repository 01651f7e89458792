// The alert lifecycle, per fingerprint, as pure functions: what an event does to the
// state, which message (if any) the state is owed and from when, and what sending it
// changes. No clocks, no I/O: the manager passes `nowMs` (its own clock) and stores the
// state. Detector time (`event.ts`) is only shown to people and orders events.
//
// Alerts come in three lifecycles (AlertEventV1.lifecycle):
//
// Conditions (the default: memory high, instance down), in the order the rules bite:
// - Dedup: a `firing` for a firing fingerprint (or `resolved` for a resolved one) sends nothing.
// - Stale: an event older than the last one applied is ignored (replays after a crash).
// - Cooldown: after a resolved message, a re-fire waits until `cooldownMs` after that
//   message; if it resolves again meanwhile nothing is sent at all. Once a firing message
//   has reported flapping, its resolved message waits for the cooldown too. So a node
//   that keeps flapping gets about one message per cooldown, each saying how often it
//   flapped, while an alert that fires once and resolves once is told at once.
// - A resolved is only announced if its firing was announced: a blip that ended before its
//   message went out is not worth a page.
// - Repeat: a firing alert already announced is reminded every `repeatIntervalMs`.
//
// Events (a failover, a blocking command, a flapping node) happened, whatever their state
// now: every firing is owed a message *urgently* — it goes out after the group wait, never
// held by the group interval of an earlier message (grouping.ts) — and an occurrence that
// already resolved before its message went out is still announced, the message saying
// both. No cooldown holds a re-fire back. A cause found later (the `cause` label appearing
// or changing) is owed an urgent follow-up message tied to the same alert.
//
// Reports (the config audit digest) are events that are over when they are emitted: one
// message, never a reminder.
import { CAUSE_LABEL, type AlertEventV1, type AlertLifecycle } from '../contracts/index.ts';
import type { NoticeKind } from './types.ts';

export interface Timing {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  cooldownMs: number;
}

/**
 * What the channel was last told about this fingerprint. `silenced`: a silence held back a
 * message about the current occurrence of an event, so the channel never hears of that
 * occurrence — no resolved message, cause or reminder when the silence ends.
 */
export type NotifiedStatus = 'none' | 'firing' | 'resolved' | 'silenced';

export interface AlertState {
  fingerprint: string;
  /** The latest event (content for messages). */
  event: AlertEventV1;
  status: 'firing' | 'resolved';
  /** Detector time the current or last firing began; 0 when it was never seen firing. */
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
  /** The cause (label `cause`) the channel was last told; '' = none. */
  notifiedCause: string;
  /** Manager time the current cause was first applied; 0 = no cause. */
  causeAtMs: number;
  /** Increases with every change; ClickHouse keeps the highest (ReplacingMergeTree). */
  version: number;
}

export type Transition =
  | 'fired' // first firing, or firing after resolved (a flap when it comes back quickly)
  | 'resolved'
  | 'follow-up' // same status, a cause that was not known before (stored, and sent for events)
  | 'updated' // still firing, content changed (severity, summary…): stored, not sent
  | 'duplicate' // nothing new
  | 'stale' // older than what was applied
  | 'resolved-unknown'; // resolved for a fingerprint never seen firing: recorded, not sent

export interface Applied {
  state: AlertState;
  transition: Transition;
}

export function lifecycleOf(s: Pick<AlertState, 'event'>): AlertLifecycle {
  return s.event.lifecycle ?? 'condition';
}

export function causeOf(e: AlertEventV1): string {
  return e.labels[CAUSE_LABEL] ?? '';
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
        firingSinceMs: firing ? event.ts : 0,
        resolvedAtMs: firing ? 0 : event.ts,
        lastEventTsMs: event.ts,
        changedAtMs: nowMs,
        notifiedStatus: 'none',
        lastNotifiedMs: 0,
        flaps: 0,
        notifiedFlapping: false,
        notifiedCause: '',
        causeAtMs: causeOf(event) ? nowMs : 0,
        version: 1,
      },
    };
  }
  if (event.ts < prev.lastEventTsMs) return { state: prev, transition: 'stale' };
  const cause = causeOf(event);
  const newCause = cause !== '' && cause !== causeOf(prev.event);
  const next = {
    ...prev,
    event,
    lastEventTsMs: event.ts,
    version: prev.version + 1,
    causeAtMs: newCause ? nowMs : cause === '' ? 0 : prev.causeAtMs,
  };
  if (event.status === prev.status) {
    if (content(event) === content(prev.event))
      return { state: { ...prev, lastEventTsMs: event.ts }, transition: 'duplicate' };
    return { state: next, transition: newCause ? 'follow-up' : 'updated' };
  }
  if (event.status === 'resolved') {
    // An occurrence not yet announced stays owed from when it fired: its end must not delay it.
    const unannounced = lifecycleOf(prev) !== 'condition' && (prev.notifiedStatus === 'none' || prev.flaps > 0);
    return {
      state: {
        ...next,
        status: 'resolved',
        resolvedAtMs: event.ts,
        changedAtMs: unannounced ? prev.changedAtMs : nowMs,
      },
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
  /** Goes out after the group wait, not held by the group interval (events, causes found). */
  urgent: boolean;
}

/** The message this state is owed, possibly in the future; null when the channel is up to date. */
export function owedNotice(s: AlertState, t: Timing): Owed | null {
  return lifecycleOf(s) === 'condition' ? owedForCondition(s, t) : owedForEvent(s, t);
}

function owedForCondition(s: AlertState, t: Timing): Owed | null {
  if (s.status === 'firing') {
    if (s.notifiedStatus === 'firing')
      return { kind: 'repeat', dueMs: s.lastNotifiedMs + t.repeatIntervalMs, urgent: false };
    if (s.notifiedStatus === 'resolved')
      return { kind: 'firing', dueMs: Math.max(s.changedAtMs, s.lastNotifiedMs + t.cooldownMs), urgent: false };
    return { kind: 'firing', dueMs: s.changedAtMs, urgent: false };
  }
  // Resolved: worth a message only if the channel still believes it is firing.
  if (s.notifiedStatus === 'firing')
    return {
      kind: 'resolved',
      dueMs: s.notifiedFlapping ? Math.max(s.changedAtMs, s.lastNotifiedMs + t.cooldownMs) : s.changedAtMs,
      urgent: false,
    };
  return null;
}

function owedForEvent(s: AlertState, t: Timing): Owed | null {
  const cause = causeOf(s.event);
  const causeNews = cause !== '' && cause !== s.notifiedCause;
  // An occurrence the channel has not heard of (the first, or a re-fire since the last
  // message), firing or already over: announced at once.
  // `flaps` counts the firings since the last message: each is an occurrence of its own.
  const unannounced = s.notifiedStatus === 'none' ? s.firingSinceMs > 0 : s.flaps > 0;
  if (unannounced) return { kind: 'firing', dueMs: s.changedAtMs, urgent: true };
  if (lifecycleOf(s) === 'report' || s.notifiedStatus === 'silenced') return null;
  if (s.status === 'resolved' && s.notifiedStatus === 'firing')
    return {
      kind: 'resolved',
      dueMs: causeNews ? Math.max(s.changedAtMs, s.causeAtMs) : s.changedAtMs,
      urgent: causeNews,
    };
  if (causeNews) return { kind: 'follow-up', dueMs: s.causeAtMs, urgent: true };
  if (s.status === 'firing' && s.notifiedStatus === 'firing')
    return { kind: 'repeat', dueMs: s.lastNotifiedMs + t.repeatIntervalMs, urgent: false };
  return null;
}

export function markNotified(s: AlertState, kind: NoticeKind, nowMs: number): AlertState {
  const notifiedFlapping = kind === 'resolved' ? false : kind === 'firing' ? s.flaps > 0 : s.notifiedFlapping;
  // A firing message about an occurrence that is already over says both (events, reports).
  const notifiedStatus: NotifiedStatus =
    kind === 'resolved' || (kind === 'firing' && s.status === 'resolved')
      ? 'resolved'
      : kind === 'follow-up'
        ? s.notifiedStatus
        : 'firing';
  return {
    ...s,
    notifiedStatus,
    lastNotifiedMs: nowMs,
    flaps: 0,
    notifiedFlapping,
    notifiedCause: causeOf(s.event), // every message about it shows the cause known then
    version: s.version + 1,
  };
}

/** A message about an event's occurrence was held back by a silence: nothing more is owed for that occurrence. */
export function markSilenced(s: AlertState, nowMs: number): AlertState {
  return {
    ...s,
    notifiedStatus: 'silenced',
    lastNotifiedMs: nowMs,
    flaps: 0,
    notifiedFlapping: false,
    notifiedCause: causeOf(s.event),
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
