// ConfigAuditSampleV1 → one config_audits row and one config_findings row per finding
// (clickhouse/migrations/0006_clients_config.sql).
import type { ConfigAuditSampleV1 } from '../../contracts/index.ts';
import { sourceColumns, type KafkaSource, type TableRows } from './source.ts';

export function configAuditRows(m: ConfigAuditSampleV1, src: KafkaSource): TableRows {
  const common = { ts: Math.floor(m.ts / 1000), ts_ms: m.ts, cluster: m.instance.cluster, instance: m.instance.id };
  const kafka = sourceColumns(src);
  const count = (severity: string) => m.findings.filter((f) => f.severity === severity).length;
  const audit = {
    ...common,
    collector: m.collector,
    role: m.role,
    version: m.version,
    rules_checked: m.rulesChecked,
    findings: m.findings.length,
    critical: count('critical'),
    warning: count('warning'),
    info: count('info'),
    ...kafka,
  };
  const findings = m.findings.map((f) => ({
    ...common,
    role: m.role,
    rule: f.rule,
    severity: f.severity,
    setting: f.setting,
    value: f.value,
    recommendation: f.recommendation,
    message: f.message,
    ...kafka,
  }));
  return new Map<string, Record<string, unknown>[]>([
    ['config_audits', [audit]],
    ['config_findings', findings],
  ]);
}
