// ConfigAuditSampleV1 → one config_audits row and one config_findings row per finding
// (clickhouse/migrations/0006_clients_config.sql).
import type { Static } from 'typebox';
import type { ConfigAuditSampleV1 } from '../../contracts/index.ts';
import { Column, rawRow } from './columns.ts';
import { sourceColumns, tableRows, type KafkaSource, type TableRows } from './source.ts';

const { string, u32 } = Column;
const at = { ts: Column.seconds(), ts_ms: Column.u64(), cluster: string(), instance: string() };

export const ConfigAuditRow = rawRow({
  ...at,
  collector: string(),
  role: string(),
  version: string(),
  rules_checked: Column.array(string()),
  findings: u32(),
  critical: u32(),
  warning: u32(),
  info: u32(),
});
export type ConfigAuditRow = Static<typeof ConfigAuditRow>;

export const ConfigFindingRow = rawRow({
  ...at,
  role: string(),
  rule: string(),
  severity: string(),
  setting: string(),
  value: string(),
  recommendation: string(),
  message: string(),
});
export type ConfigFindingRow = Static<typeof ConfigFindingRow>;

export function configAuditRows(m: ConfigAuditSampleV1, src: KafkaSource): TableRows {
  const common = { ts: Math.floor(m.ts / 1000), ts_ms: m.ts, cluster: m.instance.cluster, instance: m.instance.id };
  const kafka = sourceColumns(src);
  const count = (severity: string) => m.findings.filter((f) => f.severity === severity).length;
  const audit: ConfigAuditRow = {
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
  const findings = m.findings.map(
    (f): ConfigFindingRow => ({
      ...common,
      role: m.role,
      rule: f.rule,
      severity: f.severity,
      setting: f.setting,
      value: f.value,
      recommendation: f.recommendation,
      message: f.message,
      ...kafka,
    }),
  );
  return tableRows({ config_audits: [audit], config_findings: findings });
}
