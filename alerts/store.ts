// ClickHouse side of alerts (tables in clickhouse/migrations/0008_alerts.sql and 0020):
// lifecycle state per fingerprint, transition history, delivery records, silences.
// Values reach SQL only through common/sql.ts.
//
// Nothing on the way from an alert event to chat waits for these writes: the manager and
// delivery queue them (write-behind.ts) and they land when ClickHouse answers.
import type { ClickHouseClient } from '../common/clickhouse.ts';
import { identifier, sql } from '../common/sql.ts';
import { AlertEventV1, type SilenceV1, validator } from '../contracts/index.ts';
import { openSilencesSql, silenceFromRow } from '../clickhouse/silences.ts';
import type { DeliveryRecord } from './deliver-one.ts';
import type { AlertState, NotifiedStatus } from './lifecycle.ts';

/** A state plus the Kafka partition its fingerprint is keyed to (its owner reloads by partition). */
export interface OwnedState extends AlertState {
  partition: number;
}

/** `follow-up`: a cause found after the alert fired; `silenced`: a message a silence held back. */
export type HistoryTransition = 'fired' | 'resolved' | 'notified' | 'follow-up' | 'silenced';

export interface StateRow {
  fingerprint: string;
  kafka_partition: number;
  version: number;
  updated_at: number;
  rule: string;
  cluster: string;
  instance: string;
  severity: string;
  status: string;
  firing_since_ms: number;
  resolved_at_ms: number;
  last_event_ts_ms: number;
  changed_at_ms: number;
  notified_status: string;
  last_notified_ms: number;
  flaps: number;
  notified_flapping: number;
  notified_cause: string;
  cause_at_ms: number;
  event: string;
}

const checkEvent = validator(AlertEventV1);

export function stateRow(s: OwnedState, nowMs: number): StateRow {
  return {
    fingerprint: s.fingerprint,
    kafka_partition: s.partition,
    version: s.version,
    updated_at: Math.floor(nowMs / 1000),
    rule: s.event.rule,
    cluster: s.event.cluster,
    instance: s.event.instance ?? '',
    severity: s.event.severity,
    status: s.status,
    firing_since_ms: s.firingSinceMs,
    resolved_at_ms: s.resolvedAtMs,
    last_event_ts_ms: s.lastEventTsMs,
    changed_at_ms: s.changedAtMs,
    notified_status: s.notifiedStatus,
    last_notified_ms: s.lastNotifiedMs,
    flaps: s.flaps,
    notified_flapping: s.notifiedFlapping ? 1 : 0,
    notified_cause: s.notifiedCause,
    cause_at_ms: s.causeAtMs,
    event: JSON.stringify(s.event),
  };
}

/** UInt64 columns come back as strings in JSON. */
function fromRow(r: Record<string, unknown>): OwnedState | null {
  let event: unknown;
  try {
    event = JSON.parse(String(r.event));
  } catch {
    return null;
  }
  if (!checkEvent(event).ok) return null;
  const status = r.status === 'resolved' ? 'resolved' : 'firing';
  const notified = String(r.notified_status);
  return {
    fingerprint: String(r.fingerprint),
    partition: Number(r.kafka_partition),
    version: Number(r.version),
    event: event as AlertEventV1,
    status,
    firingSinceMs: Number(r.firing_since_ms),
    resolvedAtMs: Number(r.resolved_at_ms),
    lastEventTsMs: Number(r.last_event_ts_ms),
    changedAtMs: Number(r.changed_at_ms),
    notifiedStatus: (['none', 'firing', 'resolved', 'silenced'].includes(notified)
      ? notified
      : 'none') as NotifiedStatus,
    lastNotifiedMs: Number(r.last_notified_ms),
    flaps: Number(r.flaps),
    notifiedFlapping: Number(r.notified_flapping) === 1,
    notifiedCause: typeof r.notified_cause === 'string' ? r.notified_cause : '',
    causeAtMs: Number(r.cause_at_ms ?? 0),
  };
}

export function historyRow(
  s: AlertState,
  transition: HistoryTransition,
  tsMs: number,
  extra: { receiver?: string; notificationId?: string; silenceId?: string } = {},
) {
  const e = s.event;
  return {
    ts: Math.floor(tsMs / 1000),
    ts_ms: tsMs,
    fingerprint: s.fingerprint,
    rule: e.rule,
    cluster: e.cluster,
    instance: e.instance ?? '',
    severity: e.severity,
    transition,
    status: s.status,
    summary: e.summary,
    details: e.details,
    hints: e.hints,
    label_names: Object.keys(e.labels),
    label_values: Object.values(e.labels),
    receiver: extra.receiver ?? '',
    // For `silenced`: the silence that held the message back.
    notification_id: extra.notificationId ?? extra.silenceId ?? '',
  };
}
export type HistoryRow = ReturnType<typeof historyRow>;

/** Current state of the fingerprints keyed to these partitions (FINAL: the highest version of each). */
export function loadStatesSql(database: string, partitions: readonly number[]): string {
  return sql`SELECT * FROM ${identifier(`${database}.alert_state`)} FINAL WHERE has(${partitions.map((p) => Math.trunc(p))}, kafka_partition)`
    .text;
}

/** Notification ids among `ids` that already have an outcome. */
export function settledIdsSql(database: string, ids: readonly string[]): string {
  return sql`SELECT DISTINCT id FROM ${identifier(`${database}.alert_deliveries`)} WHERE has(${[...ids]}, id)`.text;
}

export class AlertStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  private table(name: string): string {
    return identifier(`${this.database}.${name}`).text;
  }

  async loadStates(partitions: readonly number[]): Promise<{ states: OwnedState[]; unreadable: number }> {
    if (partitions.length === 0) return { states: [], unreadable: 0 };
    const rs = await this.client.query({ query: loadStatesSql(this.database, partitions), format: 'JSONEachRow' });
    const rows = await rs.json<Record<string, unknown>>();
    const states = rows.map(fromRow).filter((s): s is OwnedState => s !== null);
    return { states, unreadable: rows.length - states.length };
  }

  /**
   * History first: after a crash between the inserts, the replayed transition re-inserts a
   * history row that collapses with the first. A retry after a partial failure inserts
   * again what had landed; history and state collapse (ReplacingMergeTree), and a delivery
   * outcome recorded twice only says the same twice.
   */
  async write(records: {
    history: readonly HistoryRow[];
    states: readonly StateRow[];
    deliveries?: readonly DeliveryRecord[];
  }): Promise<void> {
    const { history, states, deliveries = [] } = records;
    await this.observed(async () => {
      if (history.length > 0)
        await this.client.insert({ table: this.table('alerts'), values: [...history], format: 'JSONEachRow' });
      if (states.length > 0)
        await this.client.insert({ table: this.table('alert_state'), values: [...states], format: 'JSONEachRow' });
      if (deliveries.length > 0)
        await this.client.insert({
          table: this.table('alert_deliveries'),
          values: [...deliveries],
          format: 'JSONEachRow',
        });
    });
  }

  /** For health: when the store last wrote, and its last failure. */
  readonly stats: { lastInsertAt: number | null; lastError: { at: number; message: string } | null } = {
    lastInsertAt: null,
    lastError: null,
  };

  private async observed(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
      this.stats.lastInsertAt = Date.now();
    } catch (err) {
      this.stats.lastError = { at: Date.now(), message: err instanceof Error ? err.message : String(err) };
      throw err;
    }
  }

  /** Silences active or pending at `nowMs`. */
  async openSilences(nowMs: number): Promise<SilenceV1[]> {
    const rs = await this.client.query({ query: openSilencesSql(this.database, nowMs).text, format: 'JSONEachRow' });
    return (await rs.json<Record<string, unknown>>()).map(silenceFromRow).filter((s): s is SilenceV1 => s !== null);
  }

  /** Which of these notification ids already have a final outcome (delivered or given up). */
  async settledIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rs = await this.client.query({ query: settledIdsSql(this.database, ids), format: 'JSONEachRow' });
    return new Set((await rs.json<{ id: string }>()).map((r) => r.id));
  }
}
