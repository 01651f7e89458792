// Silences, pure: which labels an alert is matched on, whether a silence matches it, and
// the set of silences in force that the alert manager consults when a message is due.
// Matchers, states and checks are in contracts/silence.ts (shared with the API and CLI).
import { matcherMatches, silenceState, type AlertEventV1, type SilenceV1 } from '../contracts/index.ts';

/** The labels silences match on: the detector's labels plus rule, cluster, severity and instance. */
export function alertLabels(e: AlertEventV1): Record<string, string> {
  return { ...e.labels, rule: e.rule, cluster: e.cluster, severity: e.severity, instance: e.instance ?? '' };
}

export function silenceMatches(s: SilenceV1, e: AlertEventV1, nowMs: number): boolean {
  if (silenceState(s, nowMs) !== 'active') return false;
  const labels = alertLabels(e);
  return s.matchers.every((m) => matcherMatches(m, labels));
}

/** The silences the manager knows; replaced as a whole on every reload. */
export class ActiveSilences {
  private list: SilenceV1[] = [];

  replace(silences: readonly SilenceV1[]): void {
    this.list = [...silences];
  }

  get size(): number {
    return this.list.length;
  }

  /** The silence (the one ending last) that holds back this alert now, if any. */
  matching(e: AlertEventV1, nowMs: number): SilenceV1 | undefined {
    let best: SilenceV1 | undefined;
    for (const s of this.list) if (silenceMatches(s, e, nowMs) && (!best || s.endsAtMs > best.endsAtMs)) best = s;
    return best;
  }
}
