// The lifecycle states of the fingerprints one alert manager owns (those keyed to its
// assigned partitions), kept in memory: what an event or a message does to them, which
// may be composed into messages, and when one may be forgotten. No clocks, no I/O: the
// manager passes `nowMs`, loads the states from ClickHouse and queues every change for it.
import type { AlertEventV1 } from '../contracts/index.ts';
import type { SilencedItem } from './compose.ts';
import type { OwedItem } from './grouping.ts';
import {
  applyEvent,
  isIdle,
  lifecycleOf,
  markNotified,
  markSilenced,
  type Timing,
  type Transition,
} from './lifecycle.ts';
import type { OwnedState } from './store.ts';

/** Memo sets are cleared past this size: at worst a line is logged or a silence recorded again. */
const MEMO_LIMIT = 10_000;

/** What happened to events and messages, counted for tests and health. */
export interface StateCounts {
  /** Events older than the last one applied to their fingerprint (replays). */
  stale: number;
  /** Events that told nothing new. */
  duplicates: number;
  /** Messages a silence held back, each recorded once. */
  silenced: number;
}

export interface OwnedTransition {
  state: OwnedState;
  transition: Transition;
}

/** A message a silence held back, to record: the state as it was when the message fell due. */
export interface SilenceToRecord extends SilencedItem {
  state: OwnedState;
}

export class OwnedStates {
  readonly counts: StateCounts = { stale: 0, duplicates: 0, silenced: 0 };
  private readonly byFingerprint = new Map<string, OwnedState>();
  /** Partitions whose states are loaded: only their states may be composed into messages. */
  private readonly ready = new Set<number>();
  private readonly unroutedReported = new Set<string>();
  /** Silenced (condition) messages already recorded, so each is recorded once while it waits. */
  private readonly silencedRecorded = new Set<string>();

  constructor(private readonly timing: Timing) {}

  get size(): number {
    return this.byFingerprint.size;
  }

  get(fingerprint: string): OwnedState | undefined {
    return this.byFingerprint.get(fingerprint);
  }

  /** How many alerts fire now (the heartbeat message says it). */
  firing(): number {
    return [...this.byFingerprint.values()].filter((s) => s.status === 'firing').length;
  }

  /** A new assignment: every state and loaded partition is forgotten (the memos are kept). */
  clear(): void {
    this.byFingerprint.clear();
    this.ready.clear();
  }

  /** The states of a partition, as loaded from ClickHouse: from now on its states are composable. */
  loaded(partition: number, states: readonly OwnedState[]): void {
    for (const s of states) this.byFingerprint.set(s.fingerprint, s);
    this.ready.add(partition);
  }

  /** Applies an event of `partition`; a stale or duplicate one changes nothing that needs storing. */
  apply(event: AlertEventV1, partition: number, nowMs: number): OwnedTransition {
    const { state, transition } = applyEvent(this.byFingerprint.get(event.fingerprint), event, nowMs);
    const owned: OwnedState = { ...state, partition };
    this.byFingerprint.set(owned.fingerprint, owned);
    if (transition === 'stale') this.counts.stale++;
    else if (transition === 'duplicate') this.counts.duplicates++;
    return { state: owned, transition };
  }

  /** The states that may go into messages: those of partitions whose load has finished. */
  composable(): OwnedState[] {
    return [...this.byFingerprint.values()].filter((s) => this.ready.has(s.partition));
  }

  /**
   * The states as they are once these items went out at `nowMs` (a fingerprint no longer
   * here is skipped). Not kept: the caller keeps them (`keep`) unless the partitions were
   * reassigned while the message was being produced.
   */
  sent(items: readonly Pick<OwedItem, 'fingerprint' | 'kind'>[], nowMs: number): OwnedState[] {
    const notified: OwnedState[] = [];
    for (const item of items) {
      const s = this.byFingerprint.get(item.fingerprint);
      if (s) notified.push({ ...markNotified(s, item.kind, nowMs), partition: s.partition });
    }
    return notified;
  }

  keep(states: readonly OwnedState[]): void {
    for (const s of states) this.byFingerprint.set(s.fingerprint, s);
  }

  /**
   * Messages a silence holds back. An event's occurrence is settled for good — the
   * failover during a planned upgrade is not announced when the silence ends, nor its
   * resolution or cause — and recorded each time. A condition's stays owed, as in Alertmanager (if it still fires when the silence
   * ends, it is sent then), and is recorded once per silence while it waits.
   * Returns what to record and the states settled (changed, kept here).
   */
  silenced(silenced: readonly SilencedItem[], nowMs: number): { toRecord: SilenceToRecord[]; settled: OwnedState[] } {
    const toRecord: SilenceToRecord[] = [];
    const settled: OwnedState[] = [];
    for (const held of silenced) {
      const { item, silenceId } = held;
      const s = this.byFingerprint.get(item.fingerprint);
      if (!s) continue;
      const memo = `${item.fingerprint}|${item.kind}|${item.stamp}|${silenceId}`;
      if (lifecycleOf(s) !== 'condition') {
        const next = { ...markSilenced(s, nowMs), partition: s.partition };
        this.byFingerprint.set(next.fingerprint, next);
        settled.push(next);
      } else if (this.silencedRecorded.has(memo)) continue;
      if (this.silencedRecorded.size > MEMO_LIMIT) this.silencedRecorded.clear();
      this.silencedRecorded.add(memo);
      this.counts.silenced++;
      toRecord.push({ ...held, state: s });
    }
    return { toRecord, settled };
  }

  /** Of the fingerprints no route matches, the states not reported before (each is logged once). */
  unrouted(fingerprints: readonly string[]): OwnedState[] {
    if (this.unroutedReported.size > MEMO_LIMIT) this.unroutedReported.clear();
    const fresh: OwnedState[] = [];
    for (const fp of fingerprints) {
      if (this.unroutedReported.has(fp)) continue;
      this.unroutedReported.add(fp);
      fresh.push(this.byFingerprint.get(fp)!);
    }
    return fresh;
  }

  /** Drops the states that no longer affect any decision (they stay in ClickHouse; see isIdle). */
  forgetIdle(nowMs: number): void {
    for (const [fp, s] of this.byFingerprint) if (isIdle(s, nowMs, this.timing)) this.byFingerprint.delete(fp);
  }
}
