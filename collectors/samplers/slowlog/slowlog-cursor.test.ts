import { describe, expect, it } from 'vitest';
import type { RawSlowlogEntry } from './parse-slowlog.ts';
import { selectNewEntries } from './slowlog-cursor.ts';

const T0 = 1_700_000_000;
const entry = (id: number, loggedAtS = T0 + id): RawSlowlogEntry => ({
  id,
  loggedAtS,
  durationUs: 20_000,
  args: ['KEYS', '*'],
  clientAddr: '',
  clientName: '',
});
/** SLOWLOG GET order: newest first. */
const log = (...ids: number[]) => ids.sort((a, b) => b - a).map((id) => entry(id));

describe('selectNewEntries', () => {
  it('on the first sample takes only entries logged since the collector started', () => {
    const sel = selectNewEntries(undefined, 'run1', log(1, 2, 3), T0 + 2);
    expect(sel.fresh.map((e) => e.id)).toEqual([3, 2]);
    expect(sel.cursor).toEqual({ runId: 'run1', lastId: 3 });
  });

  it('never sends an entry twice', () => {
    const first = selectNewEntries(undefined, 'run1', log(1, 2), 0);
    const second = selectNewEntries(first.cursor, 'run1', log(1, 2), 0);
    expect(second.fresh).toEqual([]);
    const third = selectNewEntries(second.cursor, 'run1', log(1, 2, 3, 4), 0);
    expect(third.fresh.map((e) => e.id)).toEqual([4, 3]);
    expect(third).toMatchObject({ reset: false, missed: 0, cursor: { lastId: 4 } });
  });

  it('after SLOWLOG RESET (ids keep counting) takes only the entries logged since', () => {
    const before = selectNewEntries(undefined, 'run1', log(5, 6, 7), 0);
    const emptied = selectNewEntries(before.cursor, 'run1', [], 0);
    expect(emptied.fresh).toEqual([]);
    expect(emptied.cursor.lastId).toBe(7);
    const after = selectNewEntries(emptied.cursor, 'run1', log(8), 0);
    expect(after.fresh.map((e) => e.id)).toEqual([8]);
    expect(after).toMatchObject({ reset: false, missed: 0 });
  });

  it('counts entries reset or rotated out before they were read as missed', () => {
    const sel = selectNewEntries({ runId: 'run1', lastId: 7 }, 'run1', log(11, 12), 0);
    expect(sel.fresh.map((e) => e.id)).toEqual([12, 11]);
    expect(sel.missed).toBe(3);
  });

  it('after a restart (ids went backwards) takes every entry and flags the reset', () => {
    const sel = selectNewEntries({ runId: '', lastId: 500 }, '', log(0, 1, 2), 0);
    expect(sel.fresh.map((e) => e.id)).toEqual([2, 1, 0]);
    expect(sel).toMatchObject({ reset: true, missed: 0, cursor: { lastId: 2 } });
  });

  it('after a restart whose ids already passed the old cursor, the new run_id still tells', () => {
    const sel = selectNewEntries({ runId: 'run1', lastId: 3 }, 'run2', log(2, 3, 4, 5), 0);
    expect(sel.fresh.map((e) => e.id)).toEqual([5, 4, 3, 2]);
    expect(sel).toMatchObject({ reset: true, missed: 2, cursor: { runId: 'run2', lastId: 5 } });
  });

  it('a restart with an empty log moves the cursor back so the first new entry (id 0) is taken', () => {
    const restarted = selectNewEntries({ runId: 'run1', lastId: 40 }, 'run2', [], 0);
    expect(restarted).toMatchObject({ reset: true, fresh: [], cursor: { lastId: -1 } });
    expect(selectNewEntries(restarted.cursor, 'run2', log(0), 0).fresh.map((e) => e.id)).toEqual([0]);
  });
});
