// Alerts: the alert manager (TOPICS.alerts → lifecycle → outbox) and chat delivery
// (outbox → chat), started together here; `redscope alerts` runs them (cli.ts).
import { Partitioners } from 'kafkajs';
import { createClickHouse } from '../common/clickhouse.ts';
import type { Config } from '../common/config.ts';
import { createKafka, ensureTopics, topicSettings } from '../common/kafka.ts';
import type { Logger } from '../common/log.ts';
import { TOPICS } from '../contracts/index.ts';
import { prepareSchema } from '../clickhouse/schema-check.ts';
import { ChatDelivery } from './outbox-consumer.ts';
import { AlertManager } from './manager.ts';
import { AlertStore } from './store.ts';
import { alertsHealth } from './health.ts';
import { startHealthServer } from '../common/health-server.ts';

export { publishAlertEvents, AlertEventError } from './publish.ts';
export { registerAlertCommands } from './cli.ts';
export type { AlertGroup, Notifier } from './types.ts';

/** Topics alerts read and write; detectors' producers may create them with ensureTopics too. */
export const ALERT_TOPICS = [TOPICS.alerts, TOPICS.notifications, TOPICS.deadLetter] as const;

export interface RunningAlerts {
  manager: AlertManager;
  delivery: ChatDelivery;
  health: { url: string } | null;
  stop(): Promise<void>;
}

export async function startAlerts(config: Config, log: Logger): Promise<RunningAlerts> {
  // Alert state and deliveries as the writer; migrations (if this process runs them) as the migrator.
  const clickhouse = createClickHouse(config.clickhouse, { role: 'writer' });
  await prepareSchema(config, log, clickhouse, () => createClickHouse(config.clickhouse, { role: 'migrator' }));
  const kafka = createKafka(config.kafka, log);
  await ensureTopics(kafka, ALERT_TOPICS, topicSettings(config.kafka));
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const store = new AlertStore(clickhouse, config.clickhouse.database);
  const manager = new AlertManager(kafka, producer, store, log, config.alerts);
  const delivery = new ChatDelivery(kafka, store, log, config.alerts);
  await Promise.all([manager.start(), delivery.start()]);
  const healthReport = alertsHealth(kafka, store, config);
  const health = config.alerts.health ? await startHealthServer(healthReport.report, config.alerts.health) : null;
  log.info(
    { receivers: config.alerts.receivers.map((r) => `${r.name} (${r.type})`), routes: config.alerts.routes.length },
    'alerts started',
  );
  return {
    manager,
    delivery,
    health,
    async stop() {
      await health?.close();
      await healthReport.close();
      await Promise.all([manager.stop(), delivery.stop()]);
      await producer.disconnect();
      await clickhouse.close();
    },
  };
}
