// Which groups send a message now, and when to look again. Pure.
//
// A group is one receiver + cluster + rule: a failover that hits several nodes of one
// cluster is one message, not one per node. Its message waits `groupWaitMs` after the
// first owed alert (so alerts arriving together leave together), and never follows the
// group's previous message by less than `groupIntervalMs`.
import type { Timing } from './lifecycle.ts';
import type { NoticeKind } from './types.ts';

export interface OwedItem {
  fingerprint: string;
  groupKey: string;
  kind: NoticeKind;
  dueMs: number;
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
    const earliestDueMs = Math.min(...list.map((i) => i.dueMs));
    const last = lastFlushMs.get(key);
    const flushAtMs = Math.max(earliestDueMs + t.groupWaitMs, last === undefined ? 0 : last + t.groupIntervalMs);
    if (flushAtMs <= nowMs) ready.set(key, list);
    else wakeAt(flushAtMs);
  }
  return { ready, nextWakeMs };
}
