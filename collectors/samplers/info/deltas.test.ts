import { describe, expect, it } from 'vitest';
import type { CommandStat, ErrorStat } from '../../../contracts/index.ts';
import { applyDeltas, snapshot } from './deltas.ts';

const cmd = (command: string, calls: number, usec: number): CommandStat => ({ command, calls, usec });

describe('counter deltas', () => {
  it('has no deltas on the first sample', () => {
    const commands = [cmd('get', 10, 100)];
    expect(applyDeltas(undefined, 1000, 'r1', commands, [])).toBeUndefined();
    expect(commands[0]!.callsDelta).toBeUndefined();
  });

  it('computes per-interval changes of commands and errors', () => {
    const prev = snapshot(1000, 'r1', [cmd('get', 10, 100)], [{ error: 'MOVED', count: 3 }]);
    const commands = [cmd('get', 15, 160), cmd('set', 2, 20)];
    const errors: ErrorStat[] = [{ error: 'MOVED', count: 10 }];
    expect(applyDeltas(prev, 2000, 'r1', commands, errors)).toEqual({ intervalMs: 1000, counterReset: false });
    expect(commands.map((c) => [c.callsDelta, c.usecDelta])).toEqual([
      [5, 60],
      [2, 20],
    ]);
    expect(errors[0]!.countDelta).toBe(7);
  });

  it('treats a counter that went backwards (CONFIG RESETSTAT) as a reset, never a negative delta', () => {
    const prev = snapshot(1000, 'r1', [cmd('get', 1000, 5000), cmd('set', 50, 500)], []);
    const commands = [cmd('get', 4, 20)];
    expect(applyDeltas(prev, 2000, 'r1', commands, [])?.counterReset).toBe(true);
    expect(commands[0]!.callsDelta).toBe(4);
  });

  it('treats a new run_id (restart) as a reset even if counters grew past the old ones', () => {
    const prev = snapshot(1000, 'r1', [cmd('get', 10, 100)], []);
    const commands = [cmd('get', 50, 500)];
    expect(applyDeltas(prev, 2000, 'r2', commands, [])?.counterReset).toBe(true);
    expect(commands[0]!.callsDelta).toBe(50);
  });

  it('after CONFIG RESETSTAT, a command called more since the reset than before it still counts from zero', () => {
    // debug grew past its old count; only info going back shows the reset. Listed first, so
    // its delta must not be computed before the reset is known.
    const prev = snapshot(1000, 'r1', [cmd('debug', 5000, 50_000), cmd('info', 300, 30_000)], []);
    const commands = [cmd('debug', 6000, 60_000), cmd('info', 2, 200)];
    expect(applyDeltas(prev, 2000, 'r1', commands, [])?.counterReset).toBe(true);
    expect(commands.map((c) => c.callsDelta)).toEqual([6000, 2]);
  });
});
