// Every alert rule the detectors emit, in one list. `alertEvent()` and the INFO threshold
// specs take an AlertRule, so emitting a rule that is not listed here does not compile;
// alerts/links.ts must then say which dashboard shows its cause (a Record over AlertRule),
// and alerts/links.test.ts checks that dashboard exists and reads the rule's data.
// The wire contract (AlertEventV1.rule) stays a plain string: consumers accept rules
// from newer producers.
export const ALERT_RULES = [
  'failover',
  'cluster-state',
  'node-flapping',
  'instance-down',
  'non-expiring-keys',
  'memory-near-maxmemory',
  'memory-forecast',
  'evictions',
  'rejected-connections',
  'replication-link-down',
  'redirect-storm',
  'slowlog-storm',
  'blocking-command',
  'config-audit',
  'monitoring-blind',
  'non-expiring-pattern',
  'big-key',
  'hot-key',
] as const;

export type AlertRule = (typeof ALERT_RULES)[number];
