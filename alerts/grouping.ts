// Which groups send a message now, and when to look again. Pure.
//
// A group is one receiver + cluster + rule: a failover that hits several nodes of one
// cluster is one message, not one per node. Its message waits `groupWaitMs` after the
// first owed alert (so alerts arriving together leave together), and never follows the
// group's previous message by less than `groupIntervalMs` — unless an urgent item is
// owed (an event such as a failover, or a cause found for one): then the group goes
// `groupWaitMs` after that item whatever its previous message, taking along everything
// else of the group that is due. Three failovers in one cluster within a minute are
// three messages within a second of each promotion, not one now and two 30 s later.
import type { Timing } from './lifecycle.ts';
import type { NoticeKind } from './types.ts';

export interface OwedItem {
  fingerprint: string;
  groupKey: string;
  kind: NoticeKind;
  dueMs: number;
  /** Not held by the group interval (see above). */
  urgent?: boolean;
  /**
   * Detector-time identity of what the item reports (e.g. when the firing began), so a
   * message composed again after a crash gets the same id; defaults to dueMs.
   */
  stamp?: string;
}

export interface FlushPlan {
  /** group key → the items to send now. */
  ready: Map<string, OwedItem[]>;
  /** The next time something may become ready; null when nothing is owed. */
  nextWakeMs: number | null;
}

export function groupKey(receiver: string, cluster: string, rule: string): string {
  return JSON.stringify([receiver, cluster, rule]);
}

export function planFlushes(
  items: readonly OwedItem[],
  lastFlushMs: ReadonlyMap<string, number>,
  nowMs: number,
  t: Pick<Timing, 'groupWaitMs' | 'groupIntervalMs'>,
): FlushPlan {
  const due = new Map<string, OwedItem[]>();
  let nextWakeMs: number | null = null;
  const wakeAt = (ms: number) => (nextWakeMs = nextWakeMs === null ? ms : Math.min(nextWakeMs, ms));

  for (const item of items) {
    if (item.dueMs > nowMs) {
      wakeAt(item.dueMs);
      continue;
    }
    const list = due.get(item.groupKey);
    if (list) list.push(item);
    else due.set(item.groupKey, [item]);
  }

  const ready = new Map<string, OwedItem[]>();
  for (const [key, list] of due) {
    const urgent = list.filter((i) => i.urgent);
    let flushAtMs: number;
    if (urgent.length > 0) flushAtMs = Math.min(...urgent.map((i) => i.dueMs)) + t.groupWaitMs;
    else {
      const earliestDueMs = Math.min(...list.map((i) => i.dueMs));
      const last = lastFlushMs.get(key);
      flushAtMs = Math.max(earliestDueMs + t.groupWaitMs, last === undefined ? 0 : last + t.groupIntervalMs);
    }
    if (flushAtMs <= nowMs) ready.set(key, list);
    else wakeAt(flushAtMs);
  }
  return { ready, nextWakeMs };
}
