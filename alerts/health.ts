// The alert manager's health (GET /health, alerts.health): consumer lag per partition of
// the manager (alert events) and of chat delivery (the outbox), when the alert store last
// wrote, and its last error. 503 when alert events wait and nothing has been written for
// STALLED_MS (ClickHouse down or frozen: chat delivery itself does not wait for it).
import type { Kafka } from 'kafkajs';
import type { Config } from '../common/config.ts';
import { ConsumerLag } from '../common/consumer-lag.ts';
import type { HealthReport } from '../common/health-server.ts';
import { TOPICS } from '../contracts/index.ts';
import type { AlertStore } from './store.ts';

const STALLED_MS = 60_000;

export function alertsHealth(
  kafka: Kafka,
  store: AlertStore,
  config: Config,
): { report: () => Promise<HealthReport>; close(): Promise<void> } {
  const manager = new ConsumerLag(kafka, config.alerts.managerGroupId, [TOPICS.alerts]);
  const delivery = new ConsumerLag(kafka, config.alerts.deliveryGroupId, [TOPICS.notifications]);
  const report = async (): Promise<HealthReport> => {
    const now = Date.now();
    const [events, outbox] = await Promise.all([
      manager.read(now).catch((err: Error) => ({ error: err.message })),
      delivery.read(now).catch((err: Error) => ({ error: err.message })),
    ]);
    const waiting = Array.isArray(events) ? events.reduce((n, p) => n + p.lag, 0) : 0;
    const { lastInsertAt, lastError } = store.stats;
    const lastInsertAgeMs = lastInsertAt === null ? null : now - lastInsertAt;
    const stalled = waiting > 0 && lastError !== null && (lastInsertAgeMs === null || lastInsertAgeMs > STALLED_MS);
    return {
      status: stalled ? 'storage-stalled' : 'ok',
      healthy: !stalled,
      lastInsertAt,
      lastInsertAgeMs,
      lastError,
      alertEventsWaiting: waiting,
      partitions: { alertEvents: events, outbox },
    } as HealthReport;
  };
  return { report, close: async () => void (await Promise.all([manager.close(), delivery.close()])) };
}
