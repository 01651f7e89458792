// The config audit as a report, not a page: findings grouped by rule across a cluster
// ("FLUSHALL enabled for the default user on 6 of 6 instances"), sent as a digest
// (lifecycle `report`, rule `config-audit`) `firstDigestAfterMs` after the cluster's first
// audit (every collector audits its instances within a second of starting), then every
// `digestEveryMs`; between digests, only findings that newly appear — gathered for
// `newFindingsAfterMs`, so a setting changed on every node is one message. A finding is
// an instance, rule and setting: no rule depends on the node's role (see the collector's
// rules.ts), so a failover neither resolves nor re-fires one. Route `config-audit` to
// the receiver of your choice (alerts.routes).
//
// State per cluster; with several processors each reports the instances whose audits
// reach it (the alert manager keeps the first digest of a given time).
import { TOPICS, type ConfigAuditSampleV1, type Severity } from '../../contracts/index.ts';
import type { Detector, TickContext } from './detector.ts';
import { alertEvent, formatCount } from './events.ts';

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
/** Findings about the host rather than the instance: counted per host. */
const HOST_RULES = new Set(['overcommit-memory']);
/** An instance not audited for this long has left the cluster (or its collector): dropped from the digest. */
const STALE_AUDIT_MS = 24 * 3_600_000;

interface FindingText {
  rule: string;
  setting: string;
  severity: Severity;
  message: string;
  recommendation: string;
}

export interface DigestState {
  cluster: string;
  /** Collector time of the cluster's first audit seen. */
  firstAuditMs: number;
  /** Processor clock of the last full digest; null before the first. */
  lastDigestMs: number | null;
  /** Per instance: when last audited, its host, and its findings (`rule|setting` → value). */
  nodes: Record<string, { auditMs: number; host: string; findings: Record<string, string> }>;
  /** `rule|setting` → the wording of its latest finding. */
  texts: Record<string, FindingText>;
  /** `instance|rule|setting` already reported (in the last digest, or as new since). */
  reported: string[];
  /** `instance|rule|setting` → when it appeared, not yet reported. */
  pending: Record<string, number>;
}

const findingKey = (rule: string, setting: string) => `${rule}|${setting}`;

/** The part of a finding's message after "X is Y:", i.e. why it matters. */
function why(message: string): string {
  const i = message.indexOf(': ');
  return i >= 0 ? message.slice(i + 2) : message;
}

function what(t: FindingText, value: string): string {
  return t.rule === 'dangerous-command' ? `${t.setting.toUpperCase()} ${value}` : `${t.setting} = ${value}`;
}

/** One line per rule and setting: what, on how many of how many, why, what to do. */
export function digestLines(
  state: DigestState,
  only?: ReadonlySet<string>,
): Array<{ severity: Severity; line: string }> {
  const instances = Object.entries(state.nodes);
  const hosts = new Set(instances.map(([, n]) => n.host));
  const groups = new Map<string, Array<[string, string]>>(); // key → [instance, value]
  for (const [instance, n] of instances)
    for (const [k, value] of Object.entries(n.findings)) {
      if (only && !only.has(`${instance}|${k}`)) continue;
      const list = groups.get(k) ?? [];
      list.push([instance, value]);
      groups.set(k, list);
    }
  const lines: Array<{ severity: Severity; count: number; line: string }> = [];
  for (const [k, list] of groups) {
    const t = state.texts[k];
    if (!t) continue;
    const values = new Map<string, number>();
    for (const [, v] of list) values.set(v, (values.get(v) ?? 0) + 1);
    const common = [...values].sort((a, b) => b[1] - a[1]);
    const perHost = HOST_RULES.has(t.rule);
    const count = perHost ? new Set(list.map(([i]) => state.nodes[i]!.host)).size : list.length;
    const total = perHost ? hosts.size : instances.length;
    const where = only
      ? `on ${list.map(([i]) => i).join(', ')} (now ${countOf(state, k, perHost)} of ${formatCount(total)} ${perHost ? 'hosts' : 'instances'})`
      : `on ${formatCount(count)} of ${formatCount(total)} ${perHost ? 'hosts' : 'instances'}`;
    const differ = common.length > 1 ? ` (values: ${common.map(([v, n]) => `${v} ×${n}`).join(', ')})` : '';
    lines.push({
      severity: t.severity,
      count,
      line: `${t.severity === 'critical' ? '[critical] ' : ''}${what(t, common[0]![0])} ${where}${differ}: ${why(t.message)} — ${t.recommendation}`,
    });
  }
  return lines
    .sort((a, b) => RANK[b.severity] - RANK[a.severity] || b.count - a.count || a.line.localeCompare(b.line))
    .map(({ severity, line }) => ({ severity, line }));
}

function countOf(state: DigestState, k: string, perHost: boolean): number {
  const with_ = Object.values(state.nodes).filter((n) => n.findings[k] !== undefined);
  return perHost ? new Set(with_.map((n) => n.host)).size : with_.length;
}

function worst(lines: ReadonlyArray<{ severity: Severity }>): Severity {
  return lines.reduce<Severity>((w, l) => (RANK[l.severity] > RANK[w] ? l.severity : w), 'info');
}

/** A report is announced once: fired and resolved together (the alert manager sends one message). */
function report(
  state: DigestState,
  nowMs: number,
  kind: 'digest' | 'new',
  summary: string,
  lines: string[],
  severity: Severity,
) {
  const base = {
    rule: 'config-audit' as const,
    severity,
    cluster: state.cluster,
    subject: [kind, String(nowMs)],
    ts: nowMs,
    summary,
    details: lines.join('\n'),
    hints:
      kind === 'digest'
        ? ['A digest: after the first audit, then daily. Findings that newly appear are sent as they show up.']
        : [],
    lifecycle: 'report' as const,
    labels: { report: kind },
  };
  return [alertEvent({ ...base, status: 'firing' }), alertEvent({ ...base, status: 'resolved' })];
}

function allKeys(state: DigestState): string[] {
  return Object.entries(state.nodes).flatMap(([i, n]) => Object.keys(n.findings).map((k) => `${i}|${k}`));
}

export const configDigestDetector: Detector<ConfigAuditSampleV1, DigestState> = {
  name: 'config-audit',
  topics: [TOPICS.configAudit],
  enabled: (s) => s.configFindings.enabled,
  subject: (m) => m.instance.cluster,
  observe(m, prev, ctx) {
    const min = RANK[ctx.settings.configFindings.minSeverity];
    const state: DigestState = prev
      ? { ...prev, nodes: { ...prev.nodes }, texts: { ...prev.texts }, pending: { ...prev.pending } }
      : {
          cluster: m.instance.cluster,
          firstAuditMs: m.ts,
          lastDigestMs: null,
          nodes: {},
          texts: {},
          reported: [],
          pending: {},
        };
    const findings: Record<string, string> = {};
    for (const f of m.findings) {
      if (RANK[f.severity] < min) continue;
      const k = findingKey(f.rule, f.setting);
      findings[k] = f.value;
      state.texts[k] = {
        rule: f.rule,
        setting: f.setting,
        severity: f.severity,
        message: f.message,
        recommendation: f.recommendation,
      };
    }
    const before = state.nodes[m.instance.id]?.findings ?? {};
    state.nodes[m.instance.id] = { auditMs: m.ts, host: m.instance.host, findings };
    const reported = new Set(state.reported);
    for (const k of Object.keys(before))
      if (findings[k] === undefined) {
        // Fixed: if it comes back, it is news again.
        reported.delete(`${m.instance.id}|${k}`);
        delete state.pending[`${m.instance.id}|${k}`];
      }
    if (state.lastDigestMs !== null)
      for (const k of Object.keys(findings)) {
        const ik = `${m.instance.id}|${k}`;
        if (!reported.has(ik) && state.pending[ik] === undefined) state.pending[ik] = m.ts;
      }
    state.reported = [...reported];
    return { state, events: [] };
  },
  tick(s, ctx: TickContext) {
    const cfg = ctx.settings.configFindings;
    const now = ctx.now;
    let state = s;
    const stale = Object.entries(s.nodes).filter(([, n]) => now - n.auditMs > STALE_AUDIT_MS);
    if (stale.length > 0) {
      const nodes = { ...s.nodes };
      for (const [i] of stale) delete nodes[i];
      state = { ...s, nodes };
    }
    const digestDue =
      state.lastDigestMs === null
        ? now >= state.firstAuditMs + cfg.firstDigestAfterMs
        : now >= state.lastDigestMs + cfg.digestEveryMs;
    const instances = Object.keys(state.nodes).length;
    if (digestDue && instances > 0) {
      const lines = digestLines(state);
      const keys = allKeys(state);
      const summary =
        lines.length === 0
          ? `Config audit of ${state.cluster}: no findings on ${formatCount(instances)} instances`
          : `Config audit of ${state.cluster}: ${lines.length} finding${lines.length > 1 ? 's' : ''} across ${formatCount(instances)} instances`;
      // After the first digest, a day with nothing to report is not worth a message.
      const events =
        lines.length > 0 || state.lastDigestMs === null
          ? report(
              state,
              now,
              'digest',
              summary,
              lines.map((l) => l.line),
              worst(lines),
            )
          : [];
      return { state: { ...state, lastDigestMs: now, reported: keys, pending: {} }, events };
    }
    const pending = Object.entries(state.pending);
    if (pending.length > 0 && now >= Math.min(...pending.map(([, t]) => t)) + cfg.newFindingsAfterMs) {
      const only = new Set(pending.map(([k]) => k));
      const lines = digestLines(state, only);
      const on = new Set(pending.map(([k]) => k.slice(0, k.indexOf('|'))));
      const summary = `New config findings in ${state.cluster}: ${lines.length} on ${formatCount(on.size)} instance${on.size > 1 ? 's' : ''}`;
      const events =
        lines.length > 0
          ? report(
              state,
              now,
              'new',
              summary,
              lines.map((l) => l.line),
              worst(lines),
            )
          : [];
      return { state: { ...state, reported: [...state.reported, ...only], pending: {} }, events };
    }
    return { state, events: [] };
  },
};
