// The optional heartbeat message (alerts.heartbeat), like Alertmanager's Watchdog: every
// `everyMs`, a short "redscope is alive" message to one receiver — but only while the
// stream processors' watchdog events keep reaching the manager, so the message arriving
// proves collector → Kafka → processor → manager → delivery → chat all work. A dead
// man's switch (or a person) on the receiving end notices when it stops.
//
// The id is the receiver plus the period number, so a manager restarted within a period
// produces the same id again and delivery sends it once.
import type { AlertsConfig } from '../common/config-alerts.ts';
import type { AlertEventV1, NotificationV1 } from '../contracts/index.ts';
import { groupLinks } from './links.ts';
import { notifierFor } from './notifiers/index.ts';
import type { AlertGroup } from './types.ts';

/** A processor not heard from for this long is named as missing in the heartbeat. */
const PROCESSOR_SILENT_MS = 3 * 60_000;
/** No watchdog from any processor for this long: no heartbeat (the pipeline is not working). */
const WATCHDOG_FRESH_MS = 2 * 60_000;

export class Heartbeat {
  /** Processor name → its latest watchdog event and when it arrived. */
  private readonly processors = new Map<string, { event: AlertEventV1; atMs: number }>();
  private lastPeriod = -1;
  private lastWatchdogMs = 0;

  constructor(private readonly config: Pick<AlertsConfig, 'heartbeat' | 'receivers' | 'grafanaUrl' | 'apiUrl'>) {}

  get enabled(): boolean {
    return this.config.heartbeat.receiver !== '';
  }

  noteWatchdog(e: AlertEventV1, nowMs: number): void {
    this.processors.set(e.labels.processor ?? '?', { event: e, atMs: nowMs });
    this.lastWatchdogMs = nowMs;
  }

  /** The heartbeat message due now, if any (a watchdog arrived, and this period has none yet). */
  due(nowMs: number, firing: number): NotificationV1 | null {
    if (!this.enabled || nowMs - this.lastWatchdogMs > WATCHDOG_FRESH_MS) return null;
    const period = Math.floor(nowMs / this.config.heartbeat.everyMs);
    if (period === this.lastPeriod) return null;
    this.lastPeriod = period;
    const receiver = this.config.receivers.find((r) => r.name === this.config.heartbeat.receiver);
    if (!receiver) return null;
    const lines = [...this.processors.entries()].map(([name, p]) =>
      nowMs - p.atMs > PROCESSOR_SILENT_MS
        ? `⚠ stream processor ${name}: not heard from since ${new Date(p.atMs).toISOString()}`
        : p.event.summary,
    );
    const event: AlertEventV1 = {
      v: 1,
      kind: 'alert',
      ts: nowMs,
      fingerprint: `heartbeat-${period}`,
      rule: 'heartbeat',
      status: 'resolved',
      severity: 'info',
      cluster: 'redscope',
      labels: {},
      summary: `redscope is alive: ${firing} alert${firing === 1 ? '' : 's'} firing`,
      details: lines.join('\n'),
      hints: [
        `Sent every ${Math.round(this.config.heartbeat.everyMs / 60_000)} min while the pipeline works; if it stops, redscope is not watching.`,
      ],
      lifecycle: 'report',
    };
    const alerts = [{ event, kind: 'firing' as const, firingSinceMs: nowMs, resolvedAtMs: nowMs, flaps: 0 }];
    const group: AlertGroup = {
      receiver: receiver.name,
      cluster: event.cluster,
      rule: event.rule,
      alerts,
      alsoFiring: 0,
      links: groupLinks(this.config, event.cluster, event.rule, alerts),
    };
    return {
      v: 1,
      kind: 'notification',
      id: `heartbeat-${receiver.name}-${period}`,
      ts: nowMs,
      receiver: receiver.name,
      receiverType: receiver.type,
      cluster: event.cluster,
      rule: event.rule,
      fingerprints: [],
      payload: notifierFor(receiver.type).render(group),
    };
  }
}
