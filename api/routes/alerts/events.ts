// GET /v1/clusters/:cluster/events — detections (failovers, instance down, memory, …) as
//   they fired and resolved, with the detector's root-cause hints, and the follow-ups
//   that named a cause found later (a failover's blocking command);
// GET /v1/alerts — current state of every alert; GET /v1/alerts/history — every transition.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { alertHistorySql, alertStateSql, type AlertHistoryRow, type AlertStateRow } from '../../queries/alerts.ts';
import { selectRows } from '../../queries/run.ts';
import { ClusterName, ClusterParams, Page, PageQuery } from '../../schemas/common.ts';
import { cursorScope, openCursor, pageOf } from '../../schemas/cursor.ts';
import { ErrorResponse } from '../../schemas/errors.ts';
import { resolveTimeRange } from '../../schemas/time-range.ts';

const RuleName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[A-Za-z0-9_.:-]+$',
  description: 'detector name, e.g. failover',
});
const Severity = Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]);
const Range = {
  from: Type.Optional(
    Type.String({ maxLength: 40, description: 'ISO 8601 or unix seconds; default: `to` minus 24 h' }),
  ),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 or unix seconds; default: now' })),
};

const Transition = Type.Object({
  tsMs: Type.Integer(),
  fingerprint: Type.String(),
  rule: Type.String(),
  cluster: Type.String(),
  instance: Type.String(),
  severity: Type.String(),
  transition: Type.String({
    description:
      'fired, resolved, follow-up (a cause found after it fired: labels.cause), notified, or silenced (a message a silence held back)',
  }),
  status: Type.String(),
  summary: Type.String(),
  details: Type.String(),
  hints: Type.Array(Type.String(), { description: 'likely causes, most likely first' }),
  labels: Type.Record(Type.String(), Type.String()),
  receiver: Type.String({ description: 'for `notified`: where it was sent' }),
});

const AlertState = Type.Object({
  fingerprint: Type.String(),
  rule: Type.String(),
  cluster: Type.String(),
  instance: Type.String(),
  severity: Type.String(),
  status: Type.String({ description: 'firing or resolved' }),
  firingSinceMs: Type.Integer(),
  resolvedAtMs: Type.Union([Type.Integer(), Type.Null()]),
  lastEventMs: Type.Integer(),
  changedAtMs: Type.Integer(),
  notifiedStatus: Type.String({
    description:
      'what chat was last told: none, firing, resolved, or silenced (a silence held back this occurrence of an event; nothing more is sent about it)',
  }),
  flaps: Type.Integer(),
  summary: Type.String(),
  hints: Type.Array(Type.String()),
});

const EventsQuery = Type.Object(
  { ...Range, rule: Type.Optional(RuleName), severity: Type.Optional(Severity), ...PageQuery },
  { additionalProperties: false },
);
const HistoryQuery = Type.Object(
  {
    ...Range,
    cluster: Type.Optional(ClusterName),
    rule: Type.Optional(RuleName),
    severity: Type.Optional(Severity),
    fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s]+$' })),
    transition: Type.Optional(
      Type.Union([
        Type.Literal('fired'),
        Type.Literal('resolved'),
        Type.Literal('follow-up'),
        Type.Literal('notified'),
        Type.Literal('silenced'),
      ]),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
const StateQuery = Type.Object(
  {
    cluster: Type.Optional(ClusterName),
    status: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved')])),
    severity: Type.Optional(Severity),
    rule: Type.Optional(RuleName),
    ...PageQuery,
  },
  { additionalProperties: false },
);

function transition(r: AlertHistoryRow) {
  return {
    tsMs: Number(r.ts_ms),
    fingerprint: r.fingerprint,
    rule: r.rule,
    cluster: r.cluster,
    instance: r.instance,
    severity: r.severity,
    transition: r.transition,
    status: r.status,
    summary: r.summary,
    details: r.details,
    hints: r.hints,
    labels: Object.fromEntries(r.label_names.map((n, i) => [n, r.label_values[i] ?? ''])),
    receiver: r.receiver,
  };
}

/** The stored event JSON is written by the alert manager; read defensively. */
function eventFields(json: string): { summary: string; hints: string[] } {
  try {
    const e = JSON.parse(json) as { summary?: unknown; hints?: unknown };
    return {
      summary: typeof e.summary === 'string' ? e.summary : '',
      hints: Array.isArray(e.hints) ? e.hints.filter((h): h is string => typeof h === 'string') : [],
    };
  } catch {
    return { summary: '', hints: [] };
  }
}

const HISTORY_SHAPE = ['number', 'string', 'string', 'string'] as const;
const historyKey = (r: AlertHistoryRow) => [Number(r.ts_ms), r.fingerprint, r.transition, r.receiver];

const route: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/clusters/:cluster/events',
    {
      schema: {
        summary: 'Detections (failovers and others) with their root-cause hints and causes found later, newest first',
        tags: ['events'],
        params: ClusterParams,
        querystring: EventsQuery,
        response: { 200: Page(Transition), 400: ErrorResponse },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 100;
      const scope = cursorScope('events', {
        cluster: req.params.cluster,
        rule: q.rule,
        severity: q.severity,
        from: q.from,
        to: q.to,
      });
      const cursor = openCursor(q.cursor, scope, HISTORY_SHAPE);
      const range = cursor?.range ?? resolveTimeRange(q, undefined, 86400);
      const rows = await selectRows<AlertHistoryRow>(
        app.clickhouse,
        alertHistorySql({
          database: app.database,
          cluster: req.params.cluster,
          ...range,
          rule: q.rule,
          severity: q.severity,
          transitions: ['fired', 'resolved', 'follow-up'],
          after: cursor?.key,
          limit,
        }),
      );
      const page = pageOf(rows, limit, scope, historyKey, range);
      return { items: page.rows.map(transition), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/alerts',
    {
      schema: {
        summary: 'Current state of every alert, most recently changed first',
        tags: ['events'],
        querystring: StateQuery,
        response: { 200: Page(AlertState), 400: ErrorResponse },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 100;
      const scope = cursorScope('alerts', { cluster: q.cluster, status: q.status, severity: q.severity, rule: q.rule });
      const after = openCursor(q.cursor, scope, ['number', 'string'])?.key;
      const rows = await selectRows<AlertStateRow>(
        app.clickhouse,
        alertStateSql({
          database: app.database,
          cluster: q.cluster,
          status: q.status,
          severity: q.severity,
          rule: q.rule,
          after,
          limit,
        }),
      );
      const page = pageOf(rows, limit, scope, (r) => [Number(r.changed_at_ms), r.fingerprint]);
      return {
        items: page.rows.map((r) => ({
          fingerprint: r.fingerprint,
          rule: r.rule,
          cluster: r.cluster,
          instance: r.instance,
          severity: r.severity,
          status: r.status,
          firingSinceMs: Number(r.firing_since_ms),
          resolvedAtMs: Number(r.resolved_at_ms) > 0 ? Number(r.resolved_at_ms) : null,
          lastEventMs: Number(r.last_event_ts_ms),
          changedAtMs: Number(r.changed_at_ms),
          notifiedStatus: r.notified_status,
          flaps: Number(r.flaps),
          ...eventFields(r.event),
        })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/alerts/history',
    {
      schema: {
        summary: 'Alert history: every fired, resolved, follow-up, notified and silenced transition',
        tags: ['events'],
        querystring: HistoryQuery,
        response: { 200: Page(Transition), 400: ErrorResponse },
      },
    },
    async (req) => {
      const q = req.query;
      const limit = q.limit ?? 100;
      const scope = cursorScope('alert-history', {
        cluster: q.cluster,
        rule: q.rule,
        severity: q.severity,
        fingerprint: q.fingerprint,
        transition: q.transition,
        from: q.from,
        to: q.to,
      });
      const cursor = openCursor(q.cursor, scope, HISTORY_SHAPE);
      const range = cursor?.range ?? resolveTimeRange(q, undefined, 86400);
      const rows = await selectRows<AlertHistoryRow>(
        app.clickhouse,
        alertHistorySql({
          database: app.database,
          cluster: q.cluster,
          ...range,
          rule: q.rule,
          severity: q.severity,
          fingerprint: q.fingerprint,
          transitions: q.transition ? [q.transition] : undefined,
          after: cursor?.key,
          limit,
        }),
      );
      const page = pageOf(rows, limit, scope, historyKey, range);
      return { items: page.rows.map(transition), nextCursor: page.nextCursor };
    },
  );
};

export default route;
