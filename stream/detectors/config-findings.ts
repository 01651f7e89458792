// Config audit findings as alerts: a finding at or above the configured severity fires
// (one alert per instance, rule and setting) and resolves when an audit no longer
// reports it. The alert manager groups them per cluster and rule, so `timeout 0` on 250
// instances is one chat message, not 250.
import { TOPICS, type ConfigAuditSampleV1 } from '../../contracts/index.ts';
import type { Detector } from './detector.ts';
import { alertEvent } from './events.ts';

const RANK = { info: 0, warning: 1, critical: 2 } as const;

export interface ConfigFindingsState {
  /** `rule|setting` → severity, for the findings currently alerted. */
  active: Record<string, 'info' | 'warning' | 'critical'>;
}

export const configFindingsDetector: Detector<ConfigAuditSampleV1, ConfigFindingsState> = {
  name: 'config-finding',
  topics: [TOPICS.configAudit],
  enabled: (s) => s.configFindings.enabled,
  subject: (m) => m.instance.id,
  observe(m, state, ctx) {
    const min = RANK[ctx.settings.configFindings.minSeverity];
    const active = { ...(state?.active ?? {}) };
    const seen = new Set<string>();
    const events = [];
    for (const f of m.findings) {
      if (RANK[f.severity] < min) continue;
      const key = `${f.rule}|${f.setting}`;
      seen.add(key);
      if (active[key]) continue;
      active[key] = f.severity;
      events.push(
        alertEvent({
          rule: 'config-finding',
          status: 'firing',
          severity: f.severity,
          cluster: m.instance.cluster,
          instance: m.instance.id,
          subject: [m.instance.id, f.rule, f.setting],
          ts: ctx.now,
          summary: `${m.instance.id}: ${f.message}`,
          details: `${f.setting} = ${f.value}\nrecommended: ${f.recommendation}`,
          labels: { finding: f.rule, setting: f.setting },
        }),
      );
    }
    for (const [key, severity] of Object.entries(active)) {
      if (seen.has(key)) continue;
      delete active[key];
      const [rule, setting] = key.split('|') as [string, string];
      events.push(
        alertEvent({
          rule: 'config-finding',
          status: 'resolved',
          severity,
          cluster: m.instance.cluster,
          instance: m.instance.id,
          subject: [m.instance.id, rule, setting],
          ts: ctx.now,
          summary: `${m.instance.id}: ${setting} no longer flagged (${rule})`,
          details: '',
          labels: { finding: rule, setting },
        }),
      );
    }
    return { state: { active }, events };
  },
};
