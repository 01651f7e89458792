import Type, { type Static } from 'typebox';

// A silence, as Alertmanager has them: alerts whose labels match every matcher between
// startsAtMs and endsAtMs are recorded (history transition `silenced`) but not sent.
// Labels an alert is matched on: `rule`, `cluster`, `severity`, `instance` and the
// detector's own labels (`old_master`, `new_master`, `command`, …).
// Created and expired through the API (admin token) or `redscope silence`; stored in
// ClickHouse (`silences`), read by the alert manager every few seconds.

export const SilenceMatcher = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
    /** `=` equal, `!=` not equal, `=~` / `!~` a regular expression matching the whole value (or not). */
    op: Type.Union([Type.Literal('='), Type.Literal('!='), Type.Literal('=~'), Type.Literal('!~')]),
    value: Type.String({ maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type SilenceMatcher = Static<typeof SilenceMatcher>;

export const SilenceV1 = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    matchers: Type.Array(SilenceMatcher, { minItems: 1, maxItems: 20 }),
    /** Unix ms. */
    startsAtMs: Type.Integer({ minimum: 0 }),
    /** Unix ms; expiring a silence sets it to the moment it was expired. */
    endsAtMs: Type.Integer({ minimum: 0 }),
    /** The API token's name that created it (`anonymous` with auth off). */
    createdBy: Type.String({ maxLength: 100 }),
    comment: Type.String({ minLength: 1, maxLength: 1000 }),
    createdAtMs: Type.Integer({ minimum: 0 }),
    /** Unix ms of the last change (creation or expiry); the newest version wins. */
    updatedAtMs: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type SilenceV1 = Static<typeof SilenceV1>;

// Matching and checks shared by the alert manager, the API and the CLI. Regular
// expressions match the whole value (anchored), as in Alertmanager.

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
