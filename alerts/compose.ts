// From lifecycle states to the messages to send now: route each owed alert, hold back
// what a silence matches, group by receiver + cluster + rule, apply group wait/interval,
// render. Pure: the manager calls it on a timer with its clock and stores what it returns.
import { createHash } from 'node:crypto';
import type { AlertsConfig } from '../common/config-alerts.ts';
import type { NotificationV1 } from '../contracts/index.ts';
import { groupKey, planFlushes, type OwedItem } from './grouping.ts';
import { causeOf, owedNotice, type AlertState, type Timing } from './lifecycle.ts';
import { groupLinks } from './links.ts';
import { notifierFor } from './notifiers/index.ts';
import { routeFor } from './routes.ts';
import type { ActiveSilences } from './silences.ts';
import type { AlertGroup, GroupedAlert } from './types.ts';

export interface ComposedMessage {
  groupKey: string;
  notification: NotificationV1;
  /** What each alert in it reports, to mark as notified once the message is in the outbox. */
  items: OwedItem[];
}

/** An owed message a silence holds back: recorded, not sent. */
export interface SilencedItem {
  item: OwedItem;
  receiver: string;
  silenceId: string;
}

export interface Composition {
  messages: ComposedMessage[];
  nextWakeMs: number | null;
  /** Fingerprints owed a message that no route matches. */
  unrouted: string[];
  /** Owed messages (due now) that an active silence matches. */
  silenced: SilencedItem[];
}

/** Keeps an outbox message well below Kafka's 1 MB default (fingerprints are ≤ 128 chars). */
const MAX_FINGERPRINTS_PER_MESSAGE = 1000;

type ComposeConfig = Pick<AlertsConfig, 'routes' | 'receivers' | 'grafanaUrl' | 'apiUrl'> & Timing;

/**
 * Deterministic from what the message reports, so a message produced again after a crash
 * (before the manager recorded it as sent) has the same id and delivery sends it once.
 */
export function notificationId(receiver: string, key: string, items: readonly OwedItem[]): string {
  const parts = [...items]
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0))
    .map((i) => [i.fingerprint, i.kind, i.stamp ?? i.dueMs]);
  return createHash('sha256')
    .update(JSON.stringify([receiver, key, parts]))
    .digest('hex')
    .slice(0, 40);
}

function groupedAlert(s: AlertState, item: OwedItem): GroupedAlert {
  return {
    event: s.event,
    kind: item.kind,
    firingSinceMs: s.firingSinceMs,
    resolvedAtMs: s.resolvedAtMs,
    flaps: s.flaps,
  };
}

/**
 * What an owed message reports, in detector time (the manager's clock differs after a
 * restart): the same alert transition composed again after a crash has the same stamp,
 * hence the same notification id, and delivery sends it once.
 */
function stampOf(s: AlertState, kind: OwedItem['kind'], dueMs: number): string {
  switch (kind) {
    case 'firing':
      return `${s.firingSinceMs}/${s.resolvedAtMs}`;
    case 'resolved':
      return `${s.resolvedAtMs}/${causeOf(s.event)}`;
    case 'follow-up':
      return causeOf(s.event);
    case 'repeat':
      return String(dueMs);
  }
}

export function compose(
  states: Iterable<AlertState>,
  lastFlushMs: ReadonlyMap<string, number>,
  nowMs: number,
  cfg: ComposeConfig,
  silences?: ActiveSilences,
): Composition {
  const byFingerprint = new Map<string, AlertState>();
  const items: OwedItem[] = [];
  const unrouted: string[] = [];
  const silenced: SilencedItem[] = [];
  const receiverOf = new Map<string, string>();
  let silenceEndsMs: number | null = null;
  for (const s of states) {
    const owed = owedNotice(s, cfg);
    if (!owed) continue;
    const receiver = routeFor(cfg.routes, s.event);
    if (!receiver) {
      unrouted.push(s.fingerprint);
      continue;
    }
    const key = groupKey(receiver, s.event.cluster, s.event.rule);
    const item: OwedItem = {
      fingerprint: s.fingerprint,
      groupKey: key,
      kind: owed.kind,
      dueMs: owed.dueMs,
      urgent: owed.urgent,
      stamp: stampOf(s, owed.kind, owed.dueMs),
    };
    // A silence decides when the message would go out (due), not before: one that ends
    // first lets it through.
    const silence = owed.dueMs <= nowMs ? silences?.matching(s.event, nowMs) : undefined;
    if (silence) {
      silenced.push({ item, receiver, silenceId: silence.id });
      silenceEndsMs = silenceEndsMs === null ? silence.endsAtMs : Math.min(silenceEndsMs, silence.endsAtMs);
      continue;
    }
    receiverOf.set(key, receiver);
    byFingerprint.set(s.fingerprint, s);
    items.push(item);
  }

  const plan = planFlushes(items, lastFlushMs, nowMs, cfg);
  const messages: ComposedMessage[] = [];
  for (const [key, ready] of plan.ready) {
    const receiverName = receiverOf.get(key)!;
    const receiver = cfg.receivers.find((r) => r.name === receiverName);
    if (!receiver) continue; // the config check makes every route name a receiver
    // The rest of a very large group goes in the next message, a group interval later.
    const ordered = [...ready]
      .sort(
        (a, b) =>
          Number(a.kind === 'resolved') - Number(b.kind === 'resolved') || a.fingerprint.localeCompare(b.fingerprint),
      )
      .slice(0, MAX_FINGERPRINTS_PER_MESSAGE);
    const sent = new Set(ordered.map((i) => i.fingerprint));
    const alerts = ordered.map((i) => groupedAlert(byFingerprint.get(i.fingerprint)!, i));
    const first = alerts[0]!.event;
    const group: AlertGroup = {
      receiver: receiverName,
      cluster: first.cluster,
      rule: first.rule,
      alerts,
      alsoFiring: items.filter((i) => i.groupKey === key && !sent.has(i.fingerprint) && i.kind === 'repeat').length,
      links: groupLinks(cfg, first.cluster, first.rule, alerts),
    };
    messages.push({
      groupKey: key,
      items: ordered,
      notification: {
        v: 1,
        kind: 'notification',
        id: notificationId(receiverName, key, ordered),
        ts: nowMs,
        receiver: receiverName,
        receiverType: receiver.type,
        cluster: group.cluster,
        rule: group.rule,
        fingerprints: ordered.map((i) => i.fingerprint),
        payload: notifierFor(receiver.type).render(group),
      },
    });
  }
  const nextWakeMs =
    plan.nextWakeMs === null
      ? silenceEndsMs
      : silenceEndsMs === null
        ? plan.nextWakeMs
        : Math.min(plan.nextWakeMs, silenceEndsMs);
  return { messages, nextWakeMs, unrouted, silenced };
}
