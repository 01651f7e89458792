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

function delta(cur: number, prev: number | undefined): number {
  if (prev === undefined) return cur; // a command first seen since the previous sample (or a reset)
  return cur - prev;
}

/**
 * Whether the counters were reset since `prev`: a new run_id (restart), or any counter
 * lower than before (CONFIG RESETSTAT; it also drops commands from commandstats). Decided
 * before any delta is computed: a command called more often since the reset than before it
 * looks like plain growth on its own, and only the others going back reveal the reset.
 */
function wasReset(
  prev: CounterSnapshot,
  runId: string | undefined,
  commands: CommandStat[],
  errors: ErrorStat[],
): boolean {
  if (prev.runId !== undefined && runId !== undefined && prev.runId !== runId) return true;
  for (const c of commands) {
    const p = prev.commands.get(c.command);
    if (p && (c.calls < p.calls || c.usec < p.usec)) return true;
  }
  for (const e of errors) if (e.count < (prev.errors.get(e.error) ?? 0)) return true;
  return false;
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
  const reset = wasReset(prev, runId, commands, errors);
  for (const c of commands) {
    const p = reset ? undefined : prev.commands.get(c.command);
    c.callsDelta = delta(c.calls, p?.calls);
    c.usecDelta = delta(c.usec, p?.usec);
  }
  for (const e of errors) e.countDelta = delta(e.count, reset ? undefined : prev.errors.get(e.error));
  return { intervalMs: Math.max(0, ts - prev.ts), counterReset: reset };
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
