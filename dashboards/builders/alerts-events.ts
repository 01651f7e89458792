// Alerts & events: what is firing, what fired and resolved (the history behind every chat
// message), and whether the messages reached chat (delivery outcomes per receiver). The
// alert tables are small (one row per transition or delivery), so they are read raw;
// FINAL on `alerts` because a transition replayed after a crash is stored twice until a
// merge collapses it.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { firingAlerts } from '../lib/alert-sql.ts';
import { sqlAnnotation } from '../lib/annotations.ts';
import { redscopeDashboard } from '../lib/dashboard.ts';
import { failoverAnnotation } from '../lib/events.ts';
import { sqlPanel } from '../lib/panels.ts';
import { bucket, clusterFilter } from '../lib/sql.ts';
import { clusterVariable } from '../lib/variables.ts';

const inRange = `$__timeFilter(ts) AND ${clusterFilter}`;

export function alertsEvents(): Dashboard {
  return redscopeDashboard({
    uid: 'redscope-alerts',
    title: 'Redscope / Alerts & events',
    description:
      'Alerts firing now, every fired / resolved / notified transition, and the delivery of each chat message per receiver.',
    variables: [clusterVariable()],
    annotations: [
      failoverAnnotation(),
      sqlAnnotation({
        name: 'Alerts fired',
        color: 'yellow',
        sql: `SELECT ts AS time, concat(severity, ' ', rule) AS title, summary AS text,
       concat('alert,', rule, ',', cluster) AS tags
FROM alerts FINAL
WHERE ${inRange} AND transition = 'fired'
ORDER BY time
LIMIT 500`,
      }),
    ],
    panels: [
      sqlPanel({
        kind: 'table',
        title: 'Firing now',
        width: 24,
        height: 7,
        columns: {
          since: 'Since',
          severity: 'Severity',
          rule: 'Rule',
          cluster: 'Cluster',
          instance: 'Instance',
          summary: 'Summary',
        },
        sql: `${firingAlerts}\nORDER BY since\nLIMIT 500`,
      }),
      sqlPanel({
        kind: 'timeseries',
        title: 'Alerts fired per rule',
        unit: 'short',
        legend: '${__field.labels.rule}',
        description: 'Alerts that started firing in each interval, by rule.',
        sql: `SELECT ${bucket} AS t, rule, count() AS fired
FROM alerts FINAL
WHERE ${inRange} AND transition = 'fired'
GROUP BY t, rule
ORDER BY t`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'Delivery outcomes',
        description:
          'Chat messages that left the outbox per receiver: delivered (ok) or given up (failed), with the last failure reason.',
        columns: {
          receiver: 'Receiver',
          receiver_type: 'Type',
          outcome: 'Outcome',
          messages: 'Messages',
          max_attempts: 'Most attempts',
          last_at: 'Last',
          last_reason: 'Last reason',
        },
        sql: `SELECT receiver, receiver_type, outcome, count() AS messages, max(attempts) AS max_attempts,
       max(ts) AS last_at, argMax(reason, ts_ms) AS last_reason
FROM alert_deliveries
WHERE ${inRange}
GROUP BY receiver, receiver_type, outcome
ORDER BY outcome = 'failed' DESC, messages DESC`,
      }),
      sqlPanel({
        kind: 'table',
        title: 'History',
        width: 24,
        height: 12,
        description: 'Every transition in the range, newest first: fired, resolved, and notified (with the receiver).',
        columns: {
          at: 'At',
          transition: 'Transition',
          severity: 'Severity',
          rule: 'Rule',
          cluster: 'Cluster',
          instance: 'Instance',
          summary: 'Summary',
          receiver: 'Receiver',
        },
        sql: `SELECT ts AS at, transition, severity, rule, cluster, instance, summary, receiver
FROM alerts FINAL
WHERE ${inRange}
ORDER BY ts_ms DESC, transition
LIMIT 500`,
      }),
    ],
  });
}
