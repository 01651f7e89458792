// The detector extension point. A detector is pure: given one validated message and the
// state it kept for that message's subject (an instance, usually), it returns the next
// state and any alert events. The runner owns I/O: persisting state so it survives a
// restart, publishing events, and optional enrichment (root-cause hints) that needs
// ClickHouse. A new detector is one file here plus one line in index.ts.
import type { DetectorsConfig } from '../../common/config-detectors.ts';
import type { ClickHouseClient } from '../../common/clickhouse.ts';
import type { AlertEventV1 } from '../../contracts/index.ts';

export interface DetectorContext {
  /** Message time (unix ms) — detectors use it rather than the wall clock, so replays behave. In `tick`, the wall clock. */
  now: number;
  settings: DetectorsConfig;
  /** Wall clock when the processor handled the message (for "samples stopped arriving"). */
  receivedMs?: number;
  /** Where the message came from (`topic/partition`), when known. */
  source?: string;
}

export interface TickContext {
  /** Wall clock, unix ms. */
  now: number;
  settings: DetectorsConfig;
  /** The `topic/partition`s this processor owns; undefined = all (a single processor, or tests). */
  assigned?: ReadonlySet<string>;
  /** Since when this processor has owned them (its last rebalance, or its start). */
  assignedSinceMs: number;
}

export interface Observation<S> {
  state: S | undefined;
  events: AlertEventV1[];
}

export interface Detector<M = unknown, S = unknown> {
  name: string;
  /** The topics whose (validated) messages this detector observes. */
  topics: readonly string[];
  enabled(settings: DetectorsConfig): boolean;
  /** Which state entry a message concerns; `undefined` skips the message. */
  subject(message: M): string | undefined;
  observe(message: M, state: S | undefined, ctx: DetectorContext): Observation<S>;
  /**
   * Clock-driven decisions (a digest due, samples that stopped arriving): called about once
   * a second for each state the detector holds. Returning `state: undefined` forgets it.
   */
  tick?(state: S, ctx: TickContext): Observation<S>;
  /** Adds hints from stored data (e.g. what a failed master was doing); must not throw. */
  enrich?(event: AlertEventV1, io: { clickhouse: ClickHouseClient; database: string }): Promise<AlertEventV1>;
}
