// Which SLOWLOG entries are new since the previous sample of an instance, so each entry
// is sent exactly once. Entry ids increase by one per logged command and survive
// SLOWLOG RESET (the log is emptied, the counter is not); they restart at 0 only when
// Redis restarts, which also changes INFO's run_id. So:
// - same run_id and ids at or above the cursor: the new entries are those with id > cursor;
// - run_id changed, or the newest id is below the cursor: the log restarted, every entry is new;
// - a gap between the cursor and the oldest new id: entries rotated out (slowlog-max-len,
//   or SLOWLOG RESET) before we read them — counted as `missed`.
// On the first sample of an instance there is no cursor: entries logged before the
// collector started were (or will never be) sent by an earlier run, so only entries
// logged since `sinceS` are taken.
import type { RawSlowlogEntry } from './parse-slowlog.ts';

export interface SlowlogCursor {
  runId: string;
  /** Highest entry id already handled; -1 when none. */
  lastId: number;
}

export interface NewEntries {
  fresh: RawSlowlogEntry[];
  reset: boolean;
  missed: number;
  cursor: SlowlogCursor;
}

export function selectNewEntries(
  prev: SlowlogCursor | undefined,
  runId: string,
  entries: readonly RawSlowlogEntry[],
  sinceS: number,
): NewEntries {
  const maxId = entries.reduce((m, e) => Math.max(m, e.id), -1);
  if (!prev) {
    return {
      fresh: entries.filter((e) => e.loggedAtS >= sinceS),
      reset: false,
      missed: 0,
      cursor: { runId, lastId: maxId },
    };
  }
  const restarted = (prev.runId !== '' && runId !== '' && prev.runId !== runId) || (maxId >= 0 && maxId < prev.lastId);
  const fresh = restarted ? [...entries] : entries.filter((e) => e.id > prev.lastId);
  const oldest = fresh.reduce((m, e) => Math.min(m, e.id), Infinity);
  const expectedFirst = restarted ? 0 : prev.lastId + 1;
  const missed = fresh.length > 0 ? Math.max(0, oldest - expectedFirst) : 0;
  const lastId = restarted ? maxId : Math.max(prev.lastId, maxId);
  return { fresh, reset: restarted, missed, cursor: { runId, lastId } };
}
