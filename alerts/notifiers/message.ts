// What every chat message says, independent of markup: a title line, one block per alert
// (severity emoji + summary, instance, since when, hints as bullets) and the links.
// Each notifier turns this into its chat's markup. Pure.
//
// Written for a phone lock screen: the first line says what, where and how bad; the rest
// is short lines; long lists are cut with "…and N more".
import { CAUSE_LABEL, type Severity } from '../../contracts/index.ts';
import type { AlertGroup, GroupedAlert } from '../types.ts';

export const MAX_ALERTS_PER_MESSAGE = 10;
const MAX_HINTS_PER_ALERT = 3;
const MAX_DETAIL_LINES = 2;
/** A report (the config audit digest) is its details: one line per finding rule. */
const MAX_REPORT_LINES = 25;
const MAX_LINE_CHARS = 300;

const SEVERITY_EMOJI: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };
const RESOLVED_EMOJI = '✅';
const REPEAT_EMOJI = '🔁';
const CAUSE_EMOJI = '🔎';
const REPORT_EMOJI = '📋';

export interface AlertBlock {
  /** `🔴 CRITICAL master 10.0.0.1:7000 failed over` */
  heading: string;
  /** Short `Label: value` lines. */
  facts: string[];
  hints: string[];
}

export interface MessageDoc {
  /** `🔴 FIRING · failover · prod-a` — also the notification preview. */
  title: string;
  blocks: AlertBlock[];
  /** `…and 3 more`, `2 more still firing`. */
  notes: string[];
  links: Array<{ label: string; url: string }>;
}

const SEVERITY_ORDER: Severity[] = ['critical', 'warning', 'info'];

function clip(text: string, max = MAX_LINE_CHARS): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** `11-25 12:03:05 UTC`: short, and the same for everyone in the channel whatever their zone. */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(5, 10)} ${iso.slice(11, 19)} UTC`;
}

/** `45s`, `12m`, `3h 5m`, `2d 4h`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

const isReport = (a: GroupedAlert) => a.event.lifecycle === 'report';

function detailLines(a: GroupedAlert, max: number): string[] {
  return a.event.details
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, max)
    .map((l) => clip(l));
}

function reportBlock(a: GroupedAlert): AlertBlock {
  const e = a.event;
  return {
    heading: `${REPORT_EMOJI} ${clip(e.summary)}`,
    facts: detailLines(a, MAX_REPORT_LINES),
    hints: e.hints.slice(0, MAX_HINTS_PER_ALERT).map((h) => clip(h)),
  };
}

function block(a: GroupedAlert): AlertBlock {
  if (isReport(a)) return reportBlock(a);
  const e = a.event;
  const cause = e.labels[CAUSE_LABEL];
  if (a.kind === 'follow-up') {
    const facts = [`About: ${clip(e.summary)}`];
    if (e.instance) facts.push(`Instance: ${e.instance}`);
    facts.push(
      a.resolvedAtMs
        ? `Was: ${formatTime(a.firingSinceMs)}, over after ${formatDuration(a.resolvedAtMs - a.firingSinceMs)}`
        : `Since: ${formatTime(a.firingSinceMs)}`,
    );
    return { heading: `${CAUSE_EMOJI} CAUSE FOUND ${clip(cause ?? '')}`, facts, hints: [] };
  }
  const emoji =
    a.kind === 'resolved' ? RESOLVED_EMOJI : a.kind === 'repeat' ? REPEAT_EMOJI : SEVERITY_EMOJI[e.severity];
  const label = a.kind === 'resolved' ? 'RESOLVED' : e.severity.toUpperCase();
  const facts: string[] = [];
  if (e.instance) facts.push(`Instance: ${e.instance}`);
  if (a.kind === 'resolved')
    facts.push(`Resolved: ${formatTime(a.resolvedAtMs)} after ${formatDuration(a.resolvedAtMs - a.firingSinceMs)}`);
  else facts.push(`${a.kind === 'repeat' ? 'Still firing since' : 'Since'}: ${formatTime(a.firingSinceMs)}`);
  // An event announced after it was already over: one message says both.
  if (a.kind === 'firing' && a.resolvedAtMs > 0)
    facts.push(`Over: ${formatTime(a.resolvedAtMs)}, after ${formatDuration(a.resolvedAtMs - a.firingSinceMs)}`);
  if (cause) facts.push(`Cause: ${clip(cause)}`);
  if (a.flaps > 0) facts.push(`Flapping: fired again ${a.flaps}× since the last message`);
  if (a.kind !== 'resolved') facts.push(...detailLines(a, MAX_DETAIL_LINES));
  const hints = a.kind === 'resolved' ? [] : e.hints.slice(0, MAX_HINTS_PER_ALERT).map((h) => clip(h));
  return { heading: `${emoji} ${label} ${clip(e.summary)}`, facts, hints };
}

/** What a message is, for its title and the webhook's `status`: firing wins over a follow-up, which wins over resolved. */
export function groupStatus(group: AlertGroup): 'firing' | 'follow-up' | 'resolved' | 'report' {
  if (group.alerts.every(isReport)) return 'report';
  if (group.alerts.some((a) => a.kind === 'firing' || a.kind === 'repeat')) return 'firing';
  if (group.alerts.some((a) => a.kind === 'follow-up')) return 'follow-up';
  return 'resolved';
}

export function messageDoc(group: AlertGroup): MessageDoc {
  const firing = group.alerts.filter((a) => a.kind === 'firing' || a.kind === 'repeat');
  const followUps = group.alerts.filter((a) => a.kind === 'follow-up').length;
  const resolved = group.alerts.filter((a) => a.kind === 'resolved').length;
  const worst = SEVERITY_ORDER.find((s) => firing.some((a) => a.event.severity === s));
  const kind = groupStatus(group);
  const emoji =
    kind === 'report' ? REPORT_EMOJI : worst ? SEVERITY_EMOJI[worst] : followUps ? CAUSE_EMOJI : RESOLVED_EMOJI;
  // One kind of notice: "FIRING", "FIRING 3"; mixed: each kind counted ("FIRING 1 · RESOLVED 2").
  const parts = (
    [
      ['FIRING', firing.length],
      ['CAUSE FOUND', followUps],
      ['RESOLVED', resolved],
    ] as const
  ).filter(([, n]) => n > 0);
  const status =
    kind === 'report'
      ? 'REPORT'
      : parts.length === 1
        ? parts[0]![1] > 1
          ? `${parts[0]![0]} ${parts[0]![1]}`
          : parts[0]![0]
        : parts.map(([label, n]) => `${label} ${n}`).join(' · ');
  const shown = group.alerts.slice(0, MAX_ALERTS_PER_MESSAGE);
  const notes: string[] = [];
  if (group.alerts.length > shown.length) notes.push(`…and ${group.alerts.length - shown.length} more`);
  if (group.alsoFiring > 0) notes.push(`${group.alsoFiring} more of this kind still firing`);
  return {
    title: `${emoji} ${status} · ${group.rule} · ${group.cluster}`,
    blocks: shown.map(block),
    notes,
    links: [
      { label: 'Dashboard', url: group.links.dashboard },
      { label: 'API', url: group.links.api },
    ],
  };
}

/** The message as plain text (generic webhook, logs of `alerts test`). */
export function plainText(doc: MessageDoc): string {
  const lines = [doc.title, ''];
  for (const b of doc.blocks) {
    lines.push(b.heading, ...b.facts.map((f) => `  ${f}`), ...b.hints.map((h) => `  • ${h}`), '');
  }
  lines.push(...doc.notes);
  lines.push(doc.links.map((l) => `${l.label}: ${l.url}`).join('\n'));
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
