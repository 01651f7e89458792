// Detections and alerts (0008_alerts.sql): the transition history (`alerts`: fired,
// resolved, notified — with the detector's summary, details and root-cause hints) and
// the current state per fingerprint (`alert_state`). Both are ReplacingMergeTree: FINAL
// so a transition replayed after a crash shows once.
import { identifier, sql, SqlFragment, type SqlValue } from '../../common/sql.ts';
import { keysetAfter, orderBy, where, type KeyColumn } from './keyset.ts';

export const ALERT_HISTORY_KEY: KeyColumn[] = [
  { expr: new SqlFragment('ts_ms'), direction: 'desc' },
  { expr: new SqlFragment('fingerprint'), direction: 'desc' },
  { expr: new SqlFragment('transition'), direction: 'desc' },
  { expr: new SqlFragment('receiver'), direction: 'desc' },
];

export interface AlertHistoryQuery {
  database: string;
  cluster?: string;
  fromSec: number;
  toSec: number;
  rule?: string;
  severity?: string;
  fingerprint?: string;
  transitions?: readonly string[];
  after?: readonly SqlValue[];
  limit: number;
}

export interface AlertHistoryRow {
  ts_ms: string;
  fingerprint: string;
  rule: string;
  cluster: string;
  instance: string;
  severity: string;
  transition: string;
  status: string;
  summary: string;
  details: string;
  hints: string[];
  label_names: string[];
  label_values: string[];
  receiver: string;
}

export function alertHistorySql(q: AlertHistoryQuery): SqlFragment {
  return sql`SELECT ts_ms, fingerprint, rule, cluster, instance, severity, transition, status, summary, details, hints, label_names, label_values, receiver
FROM ${identifier(`${q.database}.alerts`)} FINAL
${where([
  q.cluster !== undefined && sql`cluster = ${q.cluster}`,
  sql`ts >= toDateTime(${q.fromSec})`,
  sql`ts <= toDateTime(${q.toSec})`,
  q.rule !== undefined && sql`rule = ${q.rule}`,
  q.severity !== undefined && sql`severity = ${q.severity}`,
  q.fingerprint !== undefined && sql`fingerprint = ${q.fingerprint}`,
  q.transitions !== undefined && q.transitions.length > 0 && sql`has(${q.transitions}, transition)`,
  q.after !== undefined && keysetAfter(ALERT_HISTORY_KEY, q.after),
])}
ORDER BY ${orderBy(ALERT_HISTORY_KEY)}
LIMIT ${q.limit + 1}`;
}

export const ALERT_STATE_KEY: KeyColumn[] = [
  { expr: new SqlFragment('changed_at_ms'), direction: 'desc' },
  { expr: new SqlFragment('fingerprint'), direction: 'desc' },
];

export interface AlertStateQuery {
  database: string;
  cluster?: string;
  status?: string;
  severity?: string;
  rule?: string;
  after?: readonly SqlValue[];
  limit: number;
}

export interface AlertStateRow {
  fingerprint: string;
  rule: string;
  cluster: string;
  instance: string;
  severity: string;
  status: string;
  firing_since_ms: string;
  resolved_at_ms: string;
  last_event_ts_ms: string;
  changed_at_ms: string;
  notified_status: string;
  flaps: number;
  event: string;
}

export function alertStateSql(q: AlertStateQuery): SqlFragment {
  return sql`SELECT fingerprint, rule, cluster, instance, severity, status, firing_since_ms, resolved_at_ms, last_event_ts_ms, changed_at_ms, notified_status, flaps, event
FROM ${identifier(`${q.database}.alert_state`)} FINAL
${where([
  q.cluster !== undefined && sql`cluster = ${q.cluster}`,
  q.status !== undefined && sql`status = ${q.status}`,
  q.severity !== undefined && sql`severity = ${q.severity}`,
  q.rule !== undefined && sql`rule = ${q.rule}`,
  q.after !== undefined && keysetAfter(ALERT_STATE_KEY, q.after),
])}
ORDER BY ${orderBy(ALERT_STATE_KEY)}
LIMIT ${q.limit + 1}`;
}
