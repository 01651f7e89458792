// Per-interval changes of INFO's cumulative counters, computed in the collector where the
// previous sample of the same instance is at hand. Additive deltas let ClickHouse compute
// calls/s and usec/call over any window with plain sums.
//
// Counters go backwards after a restart or CONFIG RESETSTAT. Then the counter restarted
// from zero, so the best estimate of what happened since is the new value itself
// (Prometheus's rate() makes the same assumption).
import type { CommandStat, ErrorStat } from '../../../contracts/index.ts';

export interface CounterSnapshot {
  ts: number;
  runId: string | undefined;
  commands: Map<string, CommandStat>;
  errors: Map<string, number>;
}

export interface DeltaResult {
  intervalMs: number;
  counterReset: boolean;
}

function delta(cur: number, prev: number | undefined, reset: { seen: boolean }): number {
  if (prev === undefined) return cur; // a command first seen since the previous sample
  if (cur < prev) {
    reset.seen = true;
    return cur;
  }
  return cur - prev;
}

/** Fills callsDelta/usecDelta/countDelta in place; returns undefined on the first sample. */
export function applyDeltas(
  prev: CounterSnapshot | undefined,
  ts: number,
  runId: string | undefined,
  commands: CommandStat[],
  errors: ErrorStat[],
): DeltaResult | undefined {
  if (!prev) return undefined;
  const reset = { seen: prev.runId !== undefined && runId !== undefined && prev.runId !== runId };
  for (const c of commands) {
    const p = reset.seen ? undefined : prev.commands.get(c.command);
    c.callsDelta = delta(c.calls, p?.calls, reset);
    c.usecDelta = delta(c.usec, p?.usec, reset);
  }
  for (const e of errors) e.countDelta = delta(e.count, reset.seen ? undefined : prev.errors.get(e.error), reset);
  // A CONFIG RESETSTAT removes commands from commandstats entirely; that is a reset too.
  if (
    !reset.seen &&
    commands.length < prev.commands.size &&
    commands.some((c) => c.calls < (prev.commands.get(c.command)?.calls ?? 0))
  )
    reset.seen = true;
  return { intervalMs: Math.max(0, ts - prev.ts), counterReset: reset.seen };
}

export function snapshot(
  ts: number,
  runId: string | undefined,
  commands: readonly CommandStat[],
  errors: readonly ErrorStat[],
): CounterSnapshot {
  return {
    ts,
    runId,
    commands: new Map(commands.map((c) => [c.command, { ...c }])),
    errors: new Map(errors.map((e) => [e.error, e.count])),
  };
}
