// Silences, pure: which labels an alert is matched on, whether a matcher (or a whole
// silence) matches, and the set of silences in force that the alert manager consults
// when a message is due. Regular expressions match the whole value (anchored), as in
// Alertmanager; they are checked when a silence is created (silenceProblems).
import type { AlertEventV1, SilenceMatcher, SilenceV1 } from '../contracts/index.ts';

/** The labels silences match on: the detector's labels plus rule, cluster, severity and instance. */
export function alertLabels(e: AlertEventV1): Record<string, string> {
  return { ...e.labels, rule: e.rule, cluster: e.cluster, severity: e.severity, instance: e.instance ?? '' };
}

const compiled = new Map<string, RegExp>();
function anchored(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

export function matcherMatches(m: SilenceMatcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchored(m.value).test(v);
    case '!~':
      return !anchored(m.value).test(v);
  }
}

export function silenceState(
  s: Pick<SilenceV1, 'startsAtMs' | 'endsAtMs'>,
  nowMs: number,
): 'pending' | 'active' | 'expired' {
  if (nowMs >= s.endsAtMs) return 'expired';
  return nowMs < s.startsAtMs ? 'pending' : 'active';
}

export function silenceMatches(s: SilenceV1, e: AlertEventV1, nowMs: number): boolean {
  if (silenceState(s, nowMs) !== 'active') return false;
  const labels = alertLabels(e);
  return s.matchers.every((m) => matcherMatches(m, labels));
}

/** What the schema cannot say: a valid regular expression, an end after the start. */
export function silenceProblems(s: Pick<SilenceV1, 'matchers' | 'startsAtMs' | 'endsAtMs'>): string[] {
  const problems: string[] = [];
  s.matchers.forEach((m, i) => {
    if (m.op !== '=~' && m.op !== '!~') return;
    try {
      anchored(m.value);
    } catch (err) {
      problems.push(`matchers/${i}/value: not a valid regular expression (${(err as Error).message})`);
    }
  });
  if (s.endsAtMs <= s.startsAtMs) problems.push('endsAt: must be after startsAt');
  return problems;
}

/** `name=value`, `name!=value`, `name=~regex`, `name!~regex` (the CLI's --match). */
export function parseMatcher(text: string): SilenceMatcher {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*)$/su.exec(text);
  if (!m) throw new Error(`${JSON.stringify(text)}: expected name=value, name!=value, name=~regex or name!~regex`);
  return { name: m[1]!, op: m[2] as SilenceMatcher['op'], value: m[3]! };
}

export function formatMatcher(m: SilenceMatcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
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
